// Command lambda is the Lambda binary of the parcels domain: every one of
// its functions runs it, with STEPFOLD_TASK naming the task.
package main

import (
	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/docs/yourdomain/parcels"
)

func main() { function.Main(parcels.Domain{}) }
