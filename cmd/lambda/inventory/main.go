// Command inventory is the Lambda binary of the inventory domain: every
// one of its functions runs it (see package function).
package main

import (
	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/domains/inventory"
)

func main() { function.Main(inventory.Domain{}) }
