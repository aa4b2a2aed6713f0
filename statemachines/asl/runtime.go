package asl

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// MaxHistoryEvents is the most events an execution may record, as on AWS
// Standard workflows; a run that reaches it fails with States.Runtime. It
// also stops a definition that loops without waiting.
const MaxHistoryEvents = 25000

// run is one execution in progress.
type run struct {
	m     *Machine
	clock Clock
	arn   string
	name  string
	input any
	start time.Time
	hist  *history
	insp  map[string]any // TestState inspection notes, nil otherwise
	vars  scope          // the top level's workflow variables
}

// frame is one thread of a run: the top level, a Parallel branch or a Map
// iteration. It links each event it records to the previous one, and
// holds the thread's workflow variables.
type frame struct {
	run    *run
	prev   int64
	vars   *scope
	branch bool // a Parallel branch
}

// record appends an event, linking it to this frame's previous event.
func (fr *frame) record(e event) int64 {
	e.prev = fr.prev
	if e.ts.IsZero() {
		e.ts = fr.run.clock.Now()
	}
	fr.prev = fr.run.hist.add(e)
	return fr.prev
}

// child starts a frame that continues from this one's last event, with a
// scope of its own inside this one's.
func (fr *frame) child() *frame {
	return &frame{run: fr.run, prev: fr.prev, vars: newScope(fr.vars)}
}

// runGraph runs a StartAt/States scope from StartAt until a state ends it.
func (fr *frame) runGraph(ctx context.Context, g *graph, in any) (any, error) {
	name := g.startAt
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if fr.run.hist.len() >= MaxHistoryEvents {
			return nil, newError(ErrorRuntime, fmt.Sprintf("The execution reached the limit of %d history events.", MaxHistoryEvents))
		}
		st := g.states[name]
		out, next, err := fr.runState(ctx, st, in)
		if err != nil {
			return nil, err
		}
		if next == "" {
			return out, nil
		}
		name, in = next, out
	}
}

// runState records the state's entry, runs it and records its exit. An
// error leaves the state without an exit event, as on AWS. An output over
// MaxPayloadSize fails the state with States.DataLimitExceeded.
func (fr *frame) runState(ctx context.Context, st *state, in any) (out any, next string, err error) {
	now := fr.run.clock.Now()
	sc := &stateCtx{fr: fr, st: st, entered: now}
	sc.enteredID = fr.record(event{typ: st.entered, ts: now, name: st.name, input: in, hasInput: true})
	sc.inspect("input", in)
	defer func() {
		if p := recover(); p != nil {
			out, next, err = nil, "", sc.runtimef("internal error: %v", p)
		}
	}()
	out, next, err = st.kind.execute(ctx, sc, in)
	if err == nil && !sc.outChecked && st.typ != "Fail" {
		err = sc.checkOutput(out)
	}
	if err == nil && sc.assigned != nil {
		err = fr.vars.set(sc, sc.assigned)
	}
	if err != nil || st.typ == "Fail" {
		fr.abortTask(ctx, st, err)
		return nil, "", err
	}
	fr.record(event{typ: st.exited, name: st.name, output: out, hasOutput: true, assigned: sc.assigned})
	return out, next, nil
}

// abortTask records the TaskStateAborted AWS records for a Task state
// whose failure ends a Parallel branch, and marks the error so that the
// Parallel state records no ParallelStateFailed of its own: the history
// AWS recorded for such a branch has the one and not the other.
func (fr *frame) abortTask(ctx context.Context, st *state, err error) {
	if !fr.branch || st.typ != "Task" || err == nil || isAbort(ctx, err) {
		return
	}
	var e *Error
	if errors.As(err, &e) {
		e.aborted = true
	}
	fr.record(event{typ: types.HistoryEventTypeTaskStateAborted, name: st.name})
}

// finish records how the execution ended and returns its description.
func (r *run) finish(ctx context.Context, out any, err error) *Execution {
	fr := &frame{run: r, prev: r.hist.len()}
	ex := r.describe(types.ExecutionStatusRunning)
	ex.StopDate = r.clock.Now()
	if err == nil {
		text, encErr := encodeJSON(out)
		if encErr == nil && len(text) > MaxPayloadSize {
			err = dataLimitError(r.name)
		} else {
			s := string(text)
			ex.Output = &s
			ex.Status = types.ExecutionStatusSucceeded
			fr.record(event{typ: types.HistoryEventTypeExecutionSucceeded, ts: ex.StopDate, output: out, hasOutput: true})
			return ex
		}
	}
	e, typ := r.outcome(ctx, err)
	ex.Status = map[types.HistoryEventType]types.ExecutionStatus{
		types.HistoryEventTypeExecutionFailed:   types.ExecutionStatusFailed,
		types.HistoryEventTypeExecutionTimedOut: types.ExecutionStatusTimedOut,
		types.HistoryEventTypeExecutionAborted:  types.ExecutionStatusAborted,
	}[typ]
	ex.Error, ex.Cause = errFields(e)
	fr.record(event{typ: typ, ts: ex.StopDate, err: e})
	return ex
}

// outcome names the error that ended a run and the event that records it.
func (r *run) outcome(ctx context.Context, err error) (*Error, types.HistoryEventType) {
	if ctx.Err() != nil && isAbort(ctx, err) {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return newError(ErrorTimeout, "The execution timed out."), types.HistoryEventTypeExecutionTimedOut
		}
		return newError("States.Aborted", "The execution was stopped."), types.HistoryEventTypeExecutionAborted
	}
	return asError(err), types.HistoryEventTypeExecutionFailed
}

// describe returns the execution's description with the given status.
func (r *run) describe(status types.ExecutionStatus) *Execution {
	return &Execution{
		ExecutionARN:    r.arn,
		StateMachineARN: r.m.arn(),
		Name:            r.name,
		Status:          status,
		Input:           jsonText(r.input),
		StartDate:       r.start,
	}
}
