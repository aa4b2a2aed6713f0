package asl

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// taskState calls a resource through the Machine's Registry.
type taskState struct {
	resource    string
	timeout     int64 // seconds, 0 for none
	timeoutPath *jsonpath.Path
	lambda      bool // Resource is a function ARN: Lambda* history events

	// In a JSONata state, TimeoutSeconds and HeartbeatSeconds may be
	// expressions.
	timeoutExpr, heartbeatExpr *texpr
}

// taskState loads a Task state.
func (l *loader) taskState(o obj) kind {
	t := &taskState{resource: o.str("Resource", true)}
	t.lambda = isLambdaARN(t.resource)
	if o.jsonata {
		to := l.jsonataNumber(o, "TimeoutSeconds", positiveSeconds)
		hb := l.jsonataNumber(o, "HeartbeatSeconds", positiveSeconds)
		t.timeoutExpr, t.heartbeatExpr, t.timeout = to.x, hb.x, to.literalInt()
		if h := hb.literalInt(); h > 0 && t.timeout > 0 && h >= t.timeout {
			l.addf(o.at("HeartbeatSeconds"), "HeartbeatSeconds must be smaller than TimeoutSeconds")
		}
		return t
	}
	t.timeout, _ = o.integer("TimeoutSeconds", 1)
	t.timeoutPath = o.path("TimeoutSecondsPath", false, true).p
	if o.has("TimeoutSeconds") && o.has("TimeoutSecondsPath") {
		l.addf(o.loc, "a Task state must not have both TimeoutSeconds and TimeoutSecondsPath")
	}
	if o.has("HeartbeatSeconds") && o.has("HeartbeatSecondsPath") {
		l.addf(o.loc, "a Task state must not have both HeartbeatSeconds and HeartbeatSecondsPath")
	}
	if hb, ok := o.integer("HeartbeatSeconds", 1); ok && t.timeout > 0 && hb >= t.timeout {
		l.addf(o.at("HeartbeatSeconds"), "HeartbeatSeconds must be smaller than TimeoutSeconds")
	}
	return t
}

// taskEvents are the history event types of one kind of task.
type taskEvents struct {
	scheduled, started, succeeded, failed, timedOut types.HistoryEventType
}

var (
	lambdaEvents  = taskEvents{types.HistoryEventTypeLambdaFunctionScheduled, types.HistoryEventTypeLambdaFunctionStarted, types.HistoryEventTypeLambdaFunctionSucceeded, types.HistoryEventTypeLambdaFunctionFailed, types.HistoryEventTypeLambdaFunctionTimedOut}
	serviceEvents = taskEvents{types.HistoryEventTypeTaskScheduled, types.HistoryEventTypeTaskStarted, types.HistoryEventTypeTaskSucceeded, types.HistoryEventTypeTaskFailed, types.HistoryEventTypeTaskTimedOut}
)

// positiveSeconds is what TimeoutSeconds and HeartbeatSeconds take.
var positiveSeconds = numberRule{integer: true, min: 1, max: 99999999}

func (t *taskState) execute(ctx context.Context, sc *stateCtx, in any) (any, string, error) {
	eff, err := sc.selectPath(sc.st.inputPath, in)
	if err != nil {
		return nil, "", err
	}
	timeout, err := t.timeoutSeconds(sc, eff)
	if err != nil {
		return nil, "", err
	}
	attempt := func(ctx context.Context) (any, error) {
		params := eff
		switch {
		case sc.st.jsonata:
			if params, err = sc.arguments(in); err != nil {
				return nil, err
			}
		case sc.st.parameters != nil:
			if params, err = sc.st.parameters.eval(eff, sc); err != nil {
				return nil, err
			}
		}
		return t.call(ctx, sc, params, timeout)
	}
	return sc.runWithRetry(ctx, in, attempt, nil)
}

// timeoutSeconds resolves TimeoutSeconds or TimeoutSecondsPath, or in a
// JSONata state the expressions of TimeoutSeconds and HeartbeatSeconds
// (a heartbeat is checked, not enforced).
func (t *taskState) timeoutSeconds(sc *stateCtx, in any) (int64, error) {
	if t.timeoutExpr != nil || t.heartbeatExpr != nil {
		d := statesData{input: in}
		if _, err := sc.numberField(jvalue{x: t.heartbeatExpr}, "HeartbeatSeconds", positiveSeconds, d); err != nil {
			return 0, err
		}
		if t.timeoutExpr == nil {
			return t.timeout, nil
		}
		f, err := sc.numberField(jvalue{x: t.timeoutExpr}, "TimeoutSeconds", positiveSeconds, d)
		return int64(f), err
	}
	if t.timeoutPath == nil {
		return t.timeout, nil
	}
	v, err := sc.get(t.timeoutPath, in)
	if err != nil {
		return 0, sc.runtimef("Invalid path '%s' : %v", t.timeoutPath.String(), err)
	}
	n, _ := v.(json.Number)
	i, err := n.Int64()
	if err != nil || i < 1 {
		return 0, sc.runtimef("The TimeoutSecondsPath field refers to value %s which is not a valid positive integer: %s", jsonText(v), t.timeoutPath.String())
	}
	return i, nil
}

// call runs one attempt: schedules the task, calls the handler under the
// task timeout and records the outcome.
func (t *taskState) call(ctx context.Context, sc *stateCtx, params any, timeout int64) (any, error) {
	r := sc.fr.run
	evs := serviceEvents
	if t.lambda {
		evs = lambdaEvents
	}
	sc.fr.record(event{typ: evs.scheduled, name: r.m.cfg.region, resource: t.resource, input: params, timeout: timeout})
	sc.fr.record(event{typ: evs.started, resource: t.resource})
	h := r.m.cfg.registry.lookup(t.resource)
	task := &Task{Resource: t.resource, State: sc.st.name, Input: handlerInput(h, params), Region: r.m.cfg.region, Account: r.m.cfg.account, RequestID: r.m.cfg.uuid()}
	result, err := t.invoke(ctx, r, h, task, timeout)
	switch {
	case err == nil:
		sc.fr.record(event{typ: evs.succeeded, resource: t.resource, output: result, hasOutput: true})
		return result, nil
	case isAbort(ctx, err):
		return nil, err
	}
	e := asError(err)
	typ := evs.failed
	if e.Name == ErrorTimeout {
		typ = evs.timedOut
	}
	sc.fr.record(event{typ: typ, resource: t.resource, err: e})
	return nil, e
}

// rawInputHandler is a TaskHandler of this package that sends its input on
// as JSON (the Lambda integrations), and so takes raw JSON texts in it.
type rawInputHandler interface {
	TaskHandler
	takesRawInput()
}

// handlerInput is the Task.Input h gets for params: params itself for a
// Lambda integration, params with every raw JSON text decoded for any
// other handler, which may inspect it as the TaskHandler contract allows.
func handlerInput(h TaskHandler, params any) any {
	if _, ok := h.(rawInputHandler); ok {
		return params
	}
	return jsonvalue.Expand(params)
}

// invoke calls the handler, giving up with States.Timeout when the task
// timeout passes first.
func (t *taskState) invoke(ctx context.Context, r *run, h TaskHandler, task *Task, timeout int64) (any, error) {
	if h == nil {
		return nil, newError(ErrorRuntime, "no handler is registered for resource "+task.Resource)
	}
	tctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		tctx, cancel = r.clock.WithTimeout(ctx, time.Duration(timeout)*time.Second)
	}
	defer cancel()
	type outcome struct {
		v   any
		err error
	}
	done := make(chan outcome, 1)
	r.m.workers.do(func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{nil, newError(ErrorTaskFailed, "the task handler panicked")}
			}
		}()
		v, err := h.RunTask(tctx, task)
		done <- outcome{v, err}
	})
	select {
	case o := <-done:
		if o.err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
			return nil, newError(ErrorTimeout, "")
		}
		return o.v, o.err
	case <-tctx.Done():
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, newError(ErrorTimeout, "")
	}
}
