package asl

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// waitState pauses for a number of seconds or until a timestamp.
type waitState struct {
	seconds       int64
	timestamp     time.Time
	secondsPath   *jsonpath.Path
	timestampPath *jsonpath.Path
	// In a JSONata state, Seconds or Timestamp may be an expression.
	secondsExpr, timestampExpr *texpr
}

// waitSeconds is what Seconds takes.
var waitSeconds = numberRule{integer: true, max: 99999999}

// waitState loads exactly one of Seconds, Timestamp, SecondsPath and
// TimestampPath.
func (l *loader) waitState(o obj) kind {
	w := &waitState{}
	n := 0
	for _, k := range []string{"Seconds", "Timestamp", "SecondsPath", "TimestampPath"} {
		if o.has(k) {
			n++
		}
	}
	if n != 1 {
		l.addf(o.loc, "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath and TimestampPath")
	}
	if o.jsonata {
		sec := l.jsonataNumber(o, "Seconds", waitSeconds)
		w.secondsExpr, w.seconds = sec.x, sec.literalInt()
		if ts, _ := l.jsonataValue(o, "Timestamp"); ts.x != nil {
			w.timestampExpr = ts.x
			return w
		}
	} else {
		w.seconds, _ = o.integer("Seconds", 0)
	}
	if o.has("Timestamp") {
		t, ok := parseTimestamp(o.str("Timestamp", false))
		if !ok {
			l.addf(o.at("Timestamp"), "must be an ISO-8601 extended offset date-time string")
		}
		w.timestamp = t
	}
	w.secondsPath = o.path("SecondsPath", false, true).p
	w.timestampPath = o.path("TimestampPath", false, true).p
	return w
}

func (w *waitState) execute(ctx context.Context, sc *stateCtx, in any) (any, string, error) {
	eff, err := sc.selectPath(sc.st.inputPath, in)
	if err != nil {
		return nil, "", err
	}
	d, err := w.duration(sc, eff)
	if err != nil {
		return nil, "", err
	}
	if err := sc.fr.run.clock.Sleep(ctx, d); err != nil {
		return nil, "", err
	}
	if sc.st.jsonata {
		out, err := sc.jsonataOutput(sc.st.assign, sc.st.output, in, statesData{input: in})
		return out, sc.st.next, err
	}
	if err := sc.assign(sc.st.assign, eff); err != nil {
		return nil, "", err
	}
	out, err := sc.selectPath(sc.st.outputPath, eff)
	return out, sc.st.next, err
}

// duration computes how long to wait.
func (w *waitState) duration(sc *stateCtx, in any) (time.Duration, error) {
	switch {
	case w.secondsExpr != nil:
		f, err := sc.numberField(jvalue{x: w.secondsExpr}, "Seconds", waitSeconds, statesData{input: in})
		return time.Duration(f) * time.Second, err
	case w.timestampExpr != nil:
		return w.expressionTimestamp(sc, in)
	case w.secondsPath != nil:
		return w.pathSeconds(sc, in)
	case w.timestampPath != nil:
		v, err := sc.get(w.timestampPath, in)
		if err != nil {
			return 0, sc.runtimef("Invalid path '%s' : %v", w.timestampPath.String(), err)
		}
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok || !strings.Contains(s, "T") {
			return 0, sc.runtimef("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", w.timestampPath.String(), plainText(v))
		}
		return t.Sub(sc.fr.run.clock.Now()), nil
	case !w.timestamp.IsZero():
		return w.timestamp.Sub(sc.fr.run.clock.Now()), nil
	}
	return time.Duration(w.seconds) * time.Second, nil
}

// expressionTimestamp evaluates a Timestamp expression, which must give
// an ISO-8601 date-time with its offset.
func (w *waitState) expressionTimestamp(sc *stateCtx, in any) (time.Duration, error) {
	v, err := sc.evalExpr(w.timestampExpr, sc.statesObject(statesData{input: in}, w.timestampExpr.context))
	if err != nil {
		return 0, err
	}
	s, _ := v.(string)
	t, ok := parseTimestamp(s)
	if !ok || !strings.Contains(s, "T") {
		return 0, sc.queryErrorf("Timestamp", "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: %s", plainText(v))
	}
	return t.Sub(sc.fr.run.clock.Now()), nil
}

// pathSeconds reads SecondsPath, which must be a non-negative integer.
func (w *waitState) pathSeconds(sc *stateCtx, in any) (time.Duration, error) {
	v, err := sc.get(w.secondsPath, in)
	if err != nil {
		return 0, sc.runtimef("Invalid path '%s' : %v", w.secondsPath.String(), err)
	}
	n, ok := v.(json.Number)
	i, ierr := n.Int64()
	switch {
	case !ok || ierr != nil:
		return 0, sc.runtimef("The SecondsPath parameter cannot be parsed as a long value: %s == %s", w.secondsPath.String(), plainText(v))
	case i < 0:
		return 0, sc.runtimef("The SecondsPath parameter references a negative value: %s == %s", w.secondsPath.String(), plainText(v))
	}
	return time.Duration(min(i, 99999999)) * time.Second, nil
}

// plainText renders a value in a message: strings bare, others as JSON.
func plainText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return jsonText(v)
}
