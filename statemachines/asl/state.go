package asl

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// state is one loaded state: the fields every state type shares, and its
// type-specific behaviour in kind.
type state struct {
	name string
	typ  string
	next string // "" when the state ends its scope

	entered, exited types.HistoryEventType // its history events, named once

	inputPath      optPath
	outputPath     optPath
	resultPath     optPath
	parameters     *template
	resultSelector *template
	retry          []retrier
	catch          []catcher

	kind kind
}

// kind is the behaviour of one state type.
type kind interface {
	// execute runs the state on its raw input and returns its output and
	// the next state ("" to end the scope).
	execute(ctx context.Context, sc *stateCtx, in any) (out any, next string, err error)
}

// fields each state type accepts, beyond Type and Comment.
var stateFields = map[string][]string{
	"Pass":     {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result"},
	"Task":     {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"},
	"Choice":   {"InputPath", "OutputPath", "Choices", "Default"},
	"Wait":     {"Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath"},
	"Succeed":  {"InputPath", "OutputPath"},
	"Fail":     {"Error", "Cause", "ErrorPath", "CausePath"},
	"Parallel": {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Branches"},
	"Map":      {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Iterator", "ItemProcessor", "ItemsPath", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath"},
}

// state loads one state of any type.
func (l *loader) state(loc, name string, raw any) *state {
	o, ok := l.asObj(loc, raw)
	if !ok {
		return nil
	}
	typ := o.str("Type", true)
	fields, known := stateFields[typ]
	if !known {
		if o.has("Type") {
			l.addf(o.at("Type"), "unknown state type %q", typ)
		}
		return nil
	}
	o.allow("a "+typ+" state", append([]string{"Type", "Comment", "QueryLanguage"}, fields...)...)
	l.queryLanguage(o)
	st := &state{name: name, typ: typ, entered: enteredType(typ), exited: exitedType(typ)}
	l.transition(o, st)
	st.inputPath = o.path("InputPath", true, false)
	st.outputPath = o.path("OutputPath", true, false)
	st.resultPath = o.path("ResultPath", true, true)
	st.parameters = l.templateField(o, "Parameters")
	st.resultSelector = l.templateField(o, "ResultSelector")
	st.retry = l.retriers(o)
	st.catch = l.catchers(o)
	st.kind = l.kind(o, typ)
	return st
}

// transition checks the Next/End rule for the state type.
func (l *loader) transition(o obj, st *state) {
	st.next = o.str("Next", false)
	end := o.boolean("End")
	switch st.typ {
	case "Choice", "Succeed", "Fail":
		return // Next/End are rejected as unknown fields
	}
	switch {
	case o.has("Next") && end:
		l.addf(o.loc, "a state must not have both Next and End")
	case !o.has("Next") && !end:
		l.addf(o.loc, "a %s state must have Next or \"End\": true", st.typ)
	}
}

// kind loads the type-specific part of a state.
func (l *loader) kind(o obj, typ string) kind {
	switch typ {
	case "Pass":
		return l.passState(o)
	case "Task":
		return l.taskState(o)
	case "Choice":
		return l.choiceState(o)
	case "Wait":
		return l.waitState(o)
	case "Succeed":
		return succeedState{}
	case "Fail":
		return l.failState(o)
	case "Parallel":
		return l.parallelState(o)
	default:
		return l.mapState(o)
	}
}

// templateField compiles an optional payload template field.
func (l *loader) templateField(o obj, k string) *template {
	v, ok := o.m[k]
	if !ok {
		return nil
	}
	return l.template(o.at(k), v)
}
