// Command libs measures Go JSONata libraries on the JSONata reference test
// suite and on a small benchmark. It is its own module so that the
// repository's own build never depends on the libraries it measures.
//
//	go run . -suite ../../../../shared/conformance/jsonata
//
// Each library runs the suite in a child process, because a runaway
// recursion can exhaust a goroutine's stack, which no Go program survives;
// the parent restarts the child after the case that killed it and counts
// that case as failed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	blues "github.com/blues/jsonata-go"
	"github.com/stepfold/stepfold/statemachines/asl/jsonata"
	"github.com/stepfold/stepfold/statemachines/asl/jsonata/jsonatatest"
	xiatechs "github.com/xiatechs/jsonata-go"
)

// library is one implementation under measurement.
type library struct {
	name string
	eval func(expr string, input any, bindings map[string]any) (any, error)
	// prepare compiles expr and binds variables once, returning the
	// evaluation alone.
	prepare func(expr string, bindings map[string]any) (func(input any) (any, error), error)
	// undefined reports whether an error means "no result" rather than a
	// failure.
	undefined func(error) bool
}

// expr is what both libraries' compiled expressions offer.
type expr interface {
	Eval(data interface{}) (interface{}, error)
	RegisterVars(vars map[string]interface{}) error
}

// goLibrary describes a library whose API is blues's.
func goLibrary(name string, compile func(string) (expr, error), errUndefined error) library {
	prepare := func(src string, bindings map[string]any) (func(any) (any, error), error) {
		e, err := compile(src)
		if err != nil {
			return nil, err
		}
		if len(bindings) > 0 {
			if err := e.RegisterVars(bindings); err != nil {
				return nil, err
			}
		}
		return e.Eval, nil
	}
	return library{
		name: name,
		eval: func(src string, input any, bindings map[string]any) (any, error) {
			eval, err := prepare(src, bindings)
			if err != nil {
				return nil, err
			}
			return eval(input)
		},
		prepare:   prepare,
		undefined: func(err error) bool { return err == errUndefined },
	}
}

func libraries() []library {
	return []library{
		goLibrary("github.com/blues/jsonata-go v1.5.4", func(s string) (expr, error) {
			e, err := blues.Compile(s)
			if err != nil {
				return nil, err
			}
			return e, nil
		}, blues.ErrUndefined),
		goLibrary("github.com/xiatechs/jsonata-go v1.8.8", func(s string) (expr, error) {
			e, err := xiatechs.Compile(s)
			if err != nil {
				return nil, err
			}
			return e, nil
		}, xiatechs.ErrUndefined),
	}
}

func main() {
	suite := flag.String("suite", "", "the suite folder (holding groups/ and datasets/)")
	child := flag.Int("child", -1, "internal: run library N from case -from on, one line per case")
	from := flag.Int("from", 0, "internal: the first case the child runs")
	bench := flag.Bool("bench", true, "also run the benchmark")
	verbose := flag.Bool("v", false, "list every failing case")
	flag.Parse()
	if *suite == "" {
		fmt.Fprintln(os.Stderr, "libs: -suite is required")
		os.Exit(2)
	}
	cases, err := jsonatatest.Load(*suite)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	libs := libraries()
	if *child >= 0 {
		runChild(libs[*child], cases, *from)
		return
	}
	for i, lib := range libs {
		failed := runParent(i, *suite, len(cases))
		fmt.Printf("%s: %d passed, %d failed of %d (%.1f%%)\n", lib.name,
			len(cases)-len(failed), len(failed), len(cases),
			100*float64(len(cases)-len(failed))/float64(len(cases)))
		if *verbose {
			keys := make([]int, 0, len(failed))
			for k := range failed {
				keys = append(keys, k)
			}
			sort.Ints(keys)
			for _, k := range keys {
				fmt.Printf("  FAIL %s: %s\n", cases[k].Name, failed[k])
			}
		}
	}
	if *bench {
		for _, lib := range append(libs, ours()) {
			runBench(lib)
		}
	}
}

// runParent runs library i over all cases in child processes and returns
// the failing cases with their reasons.
func runParent(i int, suite string, n int) map[int]string {
	failed := map[int]string{}
	next := 0
	for next < n {
		cmd := exec.Command(os.Args[0], "-suite", suite, "-child", strconv.Itoa(i), "-from", strconv.Itoa(next))
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = nil
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		started := -1
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			f := strings.SplitN(sc.Text(), " ", 3)
			k, _ := strconv.Atoi(f[1])
			switch f[0] {
			case "start":
				started = k
			case "fail":
				failed[k] = f[2]
				started = -1
			case "pass":
				started = -1
			}
			next = k + 1
		}
		err := cmd.Wait()
		if started >= 0 {
			failed[started] = fmt.Sprintf("the process died (%v)", err)
			next = started + 1
		}
	}
	return failed
}

// runChild evaluates cases from `from` on, printing "start i" before and
// "pass i" or "fail i reason" after each; it exits after a case that
// overran its time, so that a runaway evaluation cannot slow the rest.
func runChild(lib library, cases []jsonatatest.Case, from int) {
	w := bufio.NewWriter(os.Stdout)
	for k := from; k < len(cases); k++ {
		fmt.Fprintf(w, "start %d\n", k)
		w.Flush()
		reason, timedOut := runCase(lib, &cases[k])
		if reason == "" {
			fmt.Fprintf(w, "pass %d\n", k)
		} else {
			fmt.Fprintf(w, "fail %d %s\n", k, strings.ReplaceAll(reason, "\n", " "))
		}
		w.Flush()
		if timedOut {
			os.Exit(3)
		}
	}
}

func runCase(lib library, c *jsonatatest.Case) (reason string, timedOut bool) {
	type result struct {
		v   any
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		var input any
		if !c.NoInput {
			input = c.Input
		}
		v, err := lib.eval(c.Expr, input, c.Bindings)
		done <- result{v, err}
	}()
	limit := 10 * time.Second
	if c.TimeLimit > 0 {
		limit = c.TimeLimit + time.Second
	}
	select {
	case r := <-done:
		return judge(lib, c, r.v, r.err), false
	case <-time.After(limit):
		return "timed out", true
	}
}

// judge checks a library's outcome. The libraries report errors without
// JSONata's codes, so any error counts as the expected one: the count is
// generous to them.
func judge(lib library, c *jsonatatest.Case, v any, err error) string {
	expectsError := c.Code != "" || c.ErrorWant != nil
	if expectsError && err != nil && !lib.undefined(err) {
		return ""
	}
	o := jsonatatest.Outcome{Value: v}
	switch {
	case err != nil && lib.undefined(err):
		o.Undefined = true
	case err != nil:
		o.Err = err
	}
	if err := c.Check(o); err != nil {
		return err.Error()
	}
	return ""
}

// ours is this repository's evaluator, benchmarked beside the libraries in
// the same run (its suite result comes from its own TestReferenceSuite).
func ours() library {
	return library{
		name: "statemachines/asl/jsonata (ours)",
		eval: func(expr string, input any, bindings map[string]any) (any, error) {
			e, err := jsonata.Compile(expr)
			if err != nil {
				return nil, err
			}
			return e.Evaluate(input, bindings)
		},
		prepare: func(expr string, bindings map[string]any) (func(any) (any, error), error) {
			e, err := jsonata.Compile(expr)
			if err != nil {
				return nil, err
			}
			return func(input any) (any, error) { return e.Evaluate(input, bindings) }, nil
		},
	}
}

// benchExprs are typical Step Functions expressions.
var benchExprs = []struct{ name, expr string }{
	{"path", `$states.input.a.b`},
	{"object", `{"id": $states.input.id, "n": $states.input.a.b, "s": "x", "t": true, "u": $states.input.name}`},
	{"sum", `$sum($states.input.items.price)`},
	{"concat", `"Hello, " & $states.input.name & "!"`},
}

func benchStates() map[string]any {
	items := make([]any, 10)
	for i := range items {
		items[i] = map[string]any{"price": float64(i) + 0.5, "qty": float64(i)}
	}
	return map[string]any{"input": map[string]any{
		"id": "abc", "name": "World", "a": map[string]any{"b": 42.0}, "items": items,
	}}
}

// runBench times compile-and-evaluate and evaluate alone per expression.
func runBench(lib library) {
	vars := map[string]any{"states": benchStates()}
	for _, b := range benchExprs {
		if _, err := lib.eval(b.expr, nil, vars); err != nil {
			fmt.Printf("%s %s: error %v\n", lib.name, b.name, err)
			continue
		}
		r := testing.Benchmark(func(tb *testing.B) {
			tb.ReportAllocs()
			for tb.Loop() {
				lib.eval(b.expr, nil, vars)
			}
		})
		eval, err := lib.prepare(b.expr, vars)
		if err != nil {
			fmt.Printf("%s %s: error %v\n", lib.name, b.name, err)
			continue
		}
		r2 := testing.Benchmark(func(tb *testing.B) {
			tb.ReportAllocs()
			for tb.Loop() {
				eval(nil)
			}
		})
		fmt.Printf("%s %-7s compile+eval %7.0f ns/op %4d allocs/op   eval %7.0f ns/op %4d allocs/op\n", lib.name, b.name,
			float64(r.T.Nanoseconds())/float64(r.N), r.AllocsPerOp(),
			float64(r2.T.Nanoseconds())/float64(r2.N), r2.AllocsPerOp())
	}
}
