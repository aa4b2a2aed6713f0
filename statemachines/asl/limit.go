package asl

import (
	"fmt"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
)

// dataLimitError is the States.DataLimitExceeded failure of the state or
// task named name, worded as AWS words it.
func dataLimitError(name string) *Error {
	return newError(ErrorDataLimitExceeded, fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", name))
}

// resultLimitError is the States.DataLimitExceeded of a task whose result
// is over the limit, which, unlike the others, States.ALL catches.
func resultLimitError(name string) *Error {
	e := dataLimitError(name)
	e.taskResult = true
	return e
}

// checkOutput fails the state with States.DataLimitExceeded when out, its
// output, encodes to more than MaxPayloadSize bytes. It measures without
// encoding and stops counting at the limit, so it is cheap on the path of
// every state. Once an output passes, the visit does not check it again.
func (sc *stateCtx) checkOutput(out any) error {
	if n, _ := jsonvalue.Len(out, MaxPayloadSize); n > MaxPayloadSize {
		return dataLimitError(sc.st.name)
	}
	sc.outChecked = true
	return nil
}
