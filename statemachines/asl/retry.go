package asl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
)

// retrier is one element of a state's Retry field.
type retrier struct {
	errorEquals []string
	interval    float64 // seconds
	maxAttempts int64
	backoff     float64
	maxDelay    float64 // seconds, 0 for no cap
	fullJitter  bool
}

// catcher is one element of a state's Catch field: ResultPath places the
// error output in a JSONPath state, Output shapes it in a JSONata one, and
// Assign, in either, replaces the state's own.
type catcher struct {
	errorEquals []string
	next        string
	resultPath  optPath
	output      *template
	assign      *assignment
}

// knownErrors are the States.* names an ErrorEquals list may use.
var knownErrors = map[string]bool{
	ErrorAll: true, ErrorTaskFailed: true, ErrorTimeout: true, ErrorHeartbeatTimeout: true,
	ErrorRuntime: true, ErrorDataLimitExceeded: true, ErrorResultPathMatchFailure: true,
	ErrorBranchFailed: true, ErrorNoChoiceMatched: true, ErrorPermissions: true,
	ErrorParameterPathFailure: true, ErrorIntrinsicFailure: true,
	"States.ExceedToleratedFailureThreshold": true, "States.ItemReaderFailed": true,
	"States.ResultWriterFailed": true, "States.QueryEvaluationError": true,
	"States.Http.Socket": true,
}

// errorEquals loads and checks an ErrorEquals list; all reports whether
// it is States.ALL.
func (l *loader) errorEquals(o obj) (names []string, all bool) {
	names = o.strings("ErrorEquals")
	for i, n := range names {
		if strings.HasPrefix(n, "States.") && !knownErrors[n] {
			l.addf(pointer(o.at("ErrorEquals"), i), "unknown error name %q", n)
		}
		if n == ErrorAll {
			all = true
			if len(names) != 1 {
				l.addf(o.at("ErrorEquals"), "States.ALL must appear alone in ErrorEquals")
			}
		}
	}
	return names, all
}

// retriers loads the Retry field.
func (l *loader) retriers(o obj) []retrier {
	arr, ok := l.array(o, "Retry")
	if !ok {
		return nil
	}
	out := make([]retrier, 0, len(arr))
	for i, raw := range arr {
		ro, ok := l.asObj(pointer(o.at("Retry"), i), raw)
		if !ok {
			continue
		}
		ro.allow("a retrier", "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment")
		r := retrier{interval: 1, maxAttempts: 3, backoff: 2}
		var all bool
		r.errorEquals, all = l.errorEquals(ro)
		if all && i != len(arr)-1 {
			l.addf(ro.loc, "a retrier with States.ALL must be the last one")
		}
		if v, ok := ro.integer("IntervalSeconds", 1); ok {
			r.interval = float64(v)
		}
		if v, ok := ro.integer("MaxAttempts", 0); ok {
			r.maxAttempts = v
		}
		if v, ok := ro.number("BackoffRate"); ok {
			if v < 1 {
				l.addf(ro.at("BackoffRate"), "BackoffRate must be at least 1.0")
			}
			r.backoff = v
		}
		if v, ok := ro.integer("MaxDelaySeconds", 1); ok {
			r.maxDelay = float64(v)
		}
		switch j := ro.str("JitterStrategy", false); j {
		case "", "NONE":
		case "FULL":
			r.fullJitter = true
		default:
			l.addf(ro.at("JitterStrategy"), "JitterStrategy must be FULL or NONE, not %q", j)
		}
		out = append(out, r)
	}
	return out
}

// catchers loads the Catch field.
func (l *loader) catchers(o obj, jsonata bool) []catcher {
	arr, ok := l.array(o, "Catch")
	if !ok {
		return nil
	}
	out := make([]catcher, 0, len(arr))
	for i, raw := range arr {
		co, ok := l.asObj(pointer(o.at("Catch"), i), raw)
		if !ok {
			continue
		}
		c := catcher{next: co.str("Next", true)}
		var all bool
		c.errorEquals, all = l.errorEquals(co)
		if all && i != len(arr)-1 {
			l.addf(co.loc, "a catcher with States.ALL must be the last one")
		}
		if jsonata {
			co.allow("a catcher of a JSONata state", "ErrorEquals", "Next", "Output", "Assign", "Comment")
			if v, ok := co.m["Output"]; ok {
				c.output = l.jsonataTemplate(co.at("Output"), fmt.Sprintf("Catch[%d]/Output", i), v)
			}
		} else {
			co.allow("a catcher", "ErrorEquals", "Next", "ResultPath", "Assign", "Comment")
			c.resultPath = co.path("ResultPath", true, true)
		}
		c.assign = l.assignField(co, jsonata, fmt.Sprintf("Catch[%d]/Assign", i))
		out = append(out, c)
	}
	return out
}

// array reads an optional array field.
func (l *loader) array(o obj, k string) ([]any, bool) {
	v, ok := o.m[k]
	if !ok {
		return nil, false
	}
	arr, isArr := v.([]any)
	if !isArr {
		l.addf(o.at(k), "must be an array, not %s", jsontype.Name(v))
	}
	return arr, isArr
}

// attemptFunc runs one attempt of a Task, Parallel or Map state and returns
// its raw result.
type attemptFunc func(ctx context.Context) (any, error)

// runWithRetry runs attempt, retrying and catching errors as the state's
// Retry and Catch fields say, then applies ResultSelector, ResultPath and
// OutputPath (Output in JSONata). failed, when not nil, is called once
// with an attempt's error when it is final (it will not be retried),
// before any catcher applies.
func (sc *stateCtx) runWithRetry(ctx context.Context, in any, attempt attemptFunc, failed func(error)) (any, string, error) {
	var counts []int64
	for {
		result, err := attempt(ctx)
		fromAttempt := err != nil
		if err == nil {
			out, ferr := sc.applyResult(in, result)
			if ferr == nil {
				return out, sc.st.next, nil
			}
			err = ferr
		}
		if isAbort(ctx, err) {
			return nil, "", err
		}
		e := asError(err)
		delay, retry := time.Duration(0), false
		if e.Name != ErrorRuntime {
			delay, retry = sc.retryDelay(e, &counts)
		}
		if !retry {
			if fromAttempt && failed != nil {
				failed(e)
			}
			if e.Name == ErrorRuntime {
				return nil, "", e
			}
			return sc.catch(in, e)
		}
		if serr := sc.fr.run.clock.Sleep(ctx, delay); serr != nil {
			return nil, "", serr
		}
		sc.retryCount++
	}
}

// isAbort reports whether err ends the run because the execution was
// cancelled or timed out, which no Retry or Catch handles.
func isAbort(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ctx.Err()))
}

// retryDelay finds the first retrier matching e and, unless it is
// exhausted, counts the attempt and returns the delay before the next one.
func (sc *stateCtx) retryDelay(e *Error, counts *[]int64) (time.Duration, bool) {
	for i, r := range sc.st.retry {
		if !e.matches(r.errorEquals) {
			continue
		}
		if *counts == nil {
			*counts = make([]int64, len(sc.st.retry))
		}
		n := (*counts)[i]
		if n >= r.maxAttempts {
			return 0, false
		}
		(*counts)[i] = n + 1
		return sc.fr.run.backoff(r, n), true
	}
	return 0, false
}

// backoff computes the delay before retry number n+1 of r.
func (r *run) backoff(rt retrier, n int64) time.Duration {
	secs := rt.interval * math.Pow(rt.backoff, float64(n))
	if rt.maxDelay > 0 && secs > rt.maxDelay {
		secs = rt.maxDelay
	}
	if secs > 1e9 {
		secs = 1e9
	}
	d := time.Duration(secs * float64(time.Second))
	if rt.fullJitter && d > 0 {
		d = time.Duration(r.m.rand.float64() * float64(d))
	}
	return d
}

// catch applies the first catcher matching e, or returns e. The
// catcher's Assign replaces the state's, which is then not applied.
func (sc *stateCtx) catch(in any, e *Error) (any, string, error) {
	for _, c := range sc.st.catch {
		if !e.matches(c.errorEquals) {
			continue
		}
		sc.assigned = nil
		errOut := e.catchValue()
		if sc.st.jsonata {
			out, err := sc.jsonataOutput(c.assign, c.output, errOut, statesData{input: in, errorOutput: errOut, hasError: true})
			if err != nil {
				return nil, "", err
			}
			return out, c.next, nil
		}
		if err := sc.assign(c.assign, errOut); err != nil {
			return nil, "", err
		}
		out, err := sc.applyResultPath(c.resultPath, in, errOut)
		if err != nil {
			return nil, "", err
		}
		return out, c.next, nil
	}
	return nil, "", e
}
