package asl

import (
	"context"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// state is one loaded state: the fields every state type shares, and its
// type-specific behaviour in kind.
type state struct {
	name    string
	typ     string
	next    string // "" when the state ends its scope
	jsonata bool   // the state's query language is JSONata

	entered, exited types.HistoryEventType // its history events, named once

	// The data flow of a JSONPath state.
	inputPath      optPath
	outputPath     optPath
	resultPath     optPath
	parameters     *template
	resultSelector *template
	// The data flow of a JSONata state.
	arguments *template
	output    *template

	assign *assignment
	retry  []retrier
	catch  []catcher

	kind kind
}

// kind is the behaviour of one state type.
type kind interface {
	// execute runs the state on its raw input and returns its output and
	// the next state ("" to end the scope).
	execute(ctx context.Context, sc *stateCtx, in any) (out any, next string, err error)
}

// fields each state type accepts in a JSONPath state, beyond Type,
// Comment and QueryLanguage.
var stateFields = map[string][]string{
	"Pass":     {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign"},
	"Task":     {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign"},
	"Choice":   {"InputPath", "OutputPath", "Choices", "Default", "Assign"},
	"Wait":     {"Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Assign"},
	"Succeed":  {"InputPath", "OutputPath"},
	"Fail":     {"Error", "Cause", "ErrorPath", "CausePath"},
	"Parallel": {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Branches", "Assign"},
	"Map":      {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Iterator", "ItemProcessor", "ItemsPath", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath", "Assign"},
}

// jsonataStateFields are the fields of a JSONata state: Arguments and
// Output replace the five JSONPath fields, and the numbers and strings a
// state reads may be expressions rather than paths.
var jsonataStateFields = map[string][]string{
	"Pass":     {"Next", "End", "Output", "Assign"},
	"Task":     {"Next", "End", "Arguments", "Output", "Assign", "Retry", "Catch", "Resource", "TimeoutSeconds", "HeartbeatSeconds", "Credentials"},
	"Choice":   {"Choices", "Default", "Output", "Assign"},
	"Wait":     {"Next", "End", "Seconds", "Timestamp", "Output", "Assign"},
	"Succeed":  {"Output"},
	"Fail":     {"Error", "Cause"},
	"Parallel": {"Next", "End", "Arguments", "Output", "Assign", "Retry", "Catch", "Branches"},
	"Map":      {"Next", "End", "Items", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage", "Output", "Assign", "Retry", "Catch"},
}

// allowStateFields records a problem for each field the state may not
// have. A field of the other query language is named as AWS names it.
func (l *loader) allowStateFields(o obj, typ string, jsonata bool) {
	own, other := stateFields[typ], jsonataStateFields[typ]
	lang, otherLang := "JSONPath", "JSONata"
	if jsonata {
		own, other, lang, otherLang = other, own, otherLang, lang
	}
	for _, k := range slices.Sorted(maps.Keys(o.m)) {
		switch {
		case k == "Type" || k == "Comment" || k == "QueryLanguage" || slices.Contains(own, k):
		case slices.Contains(other, k):
			l.addf(o.loc, "The QueryLanguage is set to '%s', but field '%s' is only supported for the '%s' QueryLanguage", lang, k, otherLang)
		default:
			l.addf(o.at(k), "field %q is not supported in a %s state", k, typ)
		}
	}
}

// state loads one state of any type.
func (l *loader) state(loc, name string, raw any) *state {
	o, ok := l.asObj(loc, raw)
	if !ok {
		return nil
	}
	typ := o.str("Type", true)
	if _, known := stateFields[typ]; !known {
		if o.has("Type") {
			l.addf(o.at("Type"), "unknown state type %q", typ)
		}
		return nil
	}
	st := &state{name: name, typ: typ, jsonata: l.stateLanguage(o), entered: enteredType(typ), exited: exitedType(typ)}
	l.allowStateFields(o, typ, st.jsonata)
	l.transition(o, st)
	if st.jsonata {
		st.arguments = l.jsonataField(o, "Arguments")
		st.output = l.jsonataField(o, "Output")
	} else {
		st.inputPath = o.path("InputPath", true, false)
		st.outputPath = o.path("OutputPath", true, false)
		st.resultPath = o.path("ResultPath", true, true)
		if p := st.resultPath.p; p != nil && p.Variable() != "" {
			l.addf(o.at("ResultPath"), "%q must be a path into the input: use Assign to set a variable", p.String())
		}
		st.parameters = l.templateField(o, "Parameters")
		st.resultSelector = l.templateField(o, "ResultSelector")
	}
	st.assign = l.assignField(o, st.jsonata, "Assign")
	st.retry = l.retriers(o)
	st.catch = l.catchers(o, st.jsonata)
	o.jsonata = st.jsonata
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

// jsonataField compiles an optional field of a JSONata state whose value
// is a template (Arguments, Output).
func (l *loader) jsonataField(o obj, k string) *template {
	v, ok := o.m[k]
	if !ok {
		return nil
	}
	return l.jsonataTemplate(o.at(k), k, v)
}

// templateField compiles an optional payload template field.
func (l *loader) templateField(o obj, k string) *template {
	v, ok := o.m[k]
	if !ok {
		return nil
	}
	return l.template(o.at(k), v)
}
