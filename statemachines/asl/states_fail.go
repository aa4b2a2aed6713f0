package asl

import (
	"context"
	"errors"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
	"github.com/stepfold/stepfold/statemachines/asl/intrinsic"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// failState stops the execution with an error name and cause, given
// literally or through a path or intrinsic function.
type failState struct {
	errName, cause   string
	hasErr, hasCause bool
	errPath          *dynamicString
	causePath        *dynamicString
	// In a JSONata state, Error and Cause may be expressions.
	errExpr, causeExpr *texpr
}

// dynamicString is an ErrorPath or CausePath: a JSONPath or an intrinsic
// function call that must yield a string.
type dynamicString struct {
	field string
	path  *jsonpath.Path
	call  *intrinsic.Expr
}

// failState loads a Fail state.
func (l *loader) failState(o obj) kind {
	f := &failState{hasErr: o.has("Error"), hasCause: o.has("Cause")}
	if o.jsonata {
		errV, _ := l.jsonataValue(o, "Error")
		causeV, _ := l.jsonataValue(o, "Cause")
		f.errExpr, f.causeExpr = errV.x, causeV.x
	}
	if f.errExpr == nil {
		f.errName = o.str("Error", false)
	}
	if f.causeExpr == nil {
		f.cause = o.str("Cause", false)
	}
	f.errPath = l.dynamicString(o, "ErrorPath")
	f.causePath = l.dynamicString(o, "CausePath")
	if f.hasErr && f.errPath != nil {
		l.addf(o.loc, "a Fail state must not have both Error and ErrorPath")
	}
	if f.hasCause && f.causePath != nil {
		l.addf(o.loc, "a Fail state must not have both Cause and CausePath")
	}
	return f
}

// dynamicString loads an optional ErrorPath or CausePath.
func (l *loader) dynamicString(o obj, k string) *dynamicString {
	if !o.has(k) {
		return nil
	}
	s := o.str(k, false)
	d := &dynamicString{field: k}
	if intrinsic.IsCall(s) {
		e, err := intrinsic.Compile(s)
		if err != nil {
			l.addf(o.at(k), "invalid intrinsic function %q: %v", s, err)
			return nil
		}
		d.call = e
		return d
	}
	if d.path = l.compilePath(o.at(k), s, false); d.path == nil {
		return nil
	}
	return d
}

// eval resolves the string.
func (d *dynamicString) eval(sc *stateCtx, in any) (string, error) {
	var v any
	var err error
	if d.call != nil {
		v, err = d.call.Eval(in, sc.contextObject(), sc.intrinsicEnv())
		var ie *intrinsic.Error
		if errors.As(err, &ie) {
			return "", sc.runtimef("%s", ie.Message)
		}
	} else {
		v, err = sc.get(d.path, in)
		if err != nil {
			return "", sc.runtimef("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", d.path.String(), d.field, jsonText(in))
		}
	}
	if err != nil {
		return "", sc.runtimef("%v", err)
	}
	s, ok := v.(string)
	if !ok {
		return "", sc.runtimef("The value of the field '%s' must be a string, not %s", d.field, jsontype.Name(v))
	}
	return s, nil
}

func (f *failState) execute(_ context.Context, sc *stateCtx, in any) (any, string, error) {
	e := &Error{Name: f.errName, Cause: f.cause, noName: !f.hasErr, noCause: !f.hasCause}
	var err error
	if sc.st.jsonata {
		if e.Name, err = sc.stringExpr(f.errExpr, "Error", e.Name, in); err != nil {
			return nil, "", err
		}
		if e.Cause, err = sc.stringExpr(f.causeExpr, "Cause", e.Cause, in); err != nil {
			return nil, "", err
		}
		return nil, "", e
	}
	sc.inspect("afterInputPath", in)
	if f.errPath != nil {
		if e.Name, err = f.errPath.eval(sc, in); err != nil {
			return nil, "", err
		}
		e.noName = false
	}
	if f.causePath != nil {
		if e.Cause, err = f.causePath.eval(sc, in); err != nil {
			return nil, "", err
		}
		e.noCause = false
	}
	return nil, "", e
}

// stringExpr evaluates an expression that must give a string; without one,
// lit is the value.
func (sc *stateCtx) stringExpr(x *texpr, field, lit string, in any) (string, error) {
	if x == nil {
		return lit, nil
	}
	v, err := sc.evalExpr(x, sc.statesObject(statesData{input: in}, x.context))
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", sc.typeErrorf(jvalue{x: x}, field, "string", v)
	}
	return s, nil
}
