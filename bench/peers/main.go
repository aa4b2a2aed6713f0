// Command peers measures stepfold's interpreter and event store side by
// side with peers, alternating the two engines in one run, and prints a
// table of ratios and one machine-readable line per measurement. run.sh
// installs what it needs and runs it; README.md says what each row
// measures.
//
//	peers [-rounds N] [-duration D] [-only NAME,...] -node PATH -script PATH
//	peers worker ENGINE WORKLOAD [flags]   (one side of one row, run by peers)
//	peers record -addr HOST:PORT           (writes testdata/account.json from a running server)
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "worker" {
		return worker(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "record" {
		return record(args[1:], stderr)
	}
	return drive(args, stdout, stderr)
}

// comparison is one row of the table: the same workload on stepfold and
// on a peer.
type comparison struct {
	name        string // for -only and the machine-readable lines
	title       string
	peer        string
	unit        string // of the figures: a rate, or seconds per op
	perOp       bool   // the figure is time per op, lower is better
	oneCore     bool   // both sides pinned to one CPU, Go with GOMAXPROCS=1
	workload    string
	concurrency int
	peerEngine  string // "node" for aws-local-stepfunctions, else a Go engine
}

const localSFN = "aws-local-stepfunctions 3.0.0"
const hallgren = "hallgren/eventsourcing v0.9.1 on bbolt"

func comparisons() []comparison {
	return []comparison{
		{"account-2cpu", "account pipeline with no-op tasks, executions/s (2 cores)", localSFN, "exec/s", false, false, "account", 64, "node"},
		{"account-1cpu", "the same, one core (GOMAXPROCS=1)", localSFN, "exec/s", false, true, "account", 64, "node"},
		{"choice10", "10 chained Choice states, executions/s", localSFN, "exec/s", false, false, "choice10", 64, "node"},
		{"map100", "Map over 100 items, executions/s", localSFN, "exec/s", false, false, "map100", 8, "node"},
		{"appends64", "durable appends, 64 writers, appends/s", hallgren, "appends/s", false, false, "appends", 64, "hallgren"},
		{"load100k", "load at version 100,000, time per load", hallgren + " (replay, no snapshots)", "s/load", true, false, "load", 1, "hallgren"},
	}
}

// driveConfig is the driver's command line.
type driveConfig struct {
	rounds           int
	duration, warmup time.Duration
	only             []string
	node, script     string
	testdata         string
	self             string
}

func parseDrive(args []string, stderr io.Writer) (driveConfig, error) {
	c := driveConfig{}
	fs := flag.NewFlagSet("peers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.rounds, "rounds", 3, "alternated pairs per row")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "timed window of each measurement")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "untimed run before each window (the JIT and the caches warm up)")
	only := fs.String("only", "", "comma-separated rows to run (default all): "+strings.Join(rowNames(), ","))
	fs.StringVar(&c.node, "node", "", "Node 22 binary, for aws-local-stepfunctions")
	fs.StringVar(&c.script, "script", "node/asl.mjs", "the aws-local-stepfunctions harness")
	fs.StringVar(&c.testdata, "testdata", "testdata", "directory of the definitions and fixtures")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if *only != "" {
		c.only = strings.Split(*only, ",")
		for _, n := range c.only {
			if !slices.Contains(rowNames(), n) {
				return c, fmt.Errorf("-only: no row %q (rows: %s)", n, strings.Join(rowNames(), ", "))
			}
		}
	}
	if c.rounds < 1 || c.duration <= 0 || c.warmup < 0 {
		return c, errors.New("-rounds must be at least 1, -duration positive, -warmup not negative")
	}
	self, err := os.Executable()
	c.self = self
	return c, err
}

func rowNames() []string {
	var out []string
	for _, r := range comparisons() {
		out = append(out, r.name)
	}
	return out
}

// rows are the comparisons -only selects.
func (c driveConfig) rows() []comparison {
	var out []comparison
	for _, r := range comparisons() {
		if len(c.only) == 0 || slices.Contains(c.only, r.name) {
			out = append(out, r)
		}
	}
	return out
}

// drive runs every row's pairs, round after round so that each row's
// pairs spread over the whole run, swapping which engine goes first from
// one round to the next, then prints the table.
func drive(args []string, stdout, stderr io.Writer) int {
	c, err := parseDrive(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "peers:", err)
		return 2
	}
	rows := c.rows()
	if needsNode(rows) && c.node == "" {
		fmt.Fprintln(stderr, "peers: -node is required for the aws-local-stepfunctions rows (run.sh installs Node 22)")
		return 2
	}
	results := map[string]map[string][]figure{}
	for round := 1; round <= c.rounds; round++ {
		for _, r := range rows {
			for _, engine := range order(round, r) {
				f, err := c.measureOne(r, engine)
				if err != nil {
					fmt.Fprintf(stderr, "peers: %s on %s: %v\n", r.name, engine, err)
					return 1
				}
				if results[r.name] == nil {
					results[r.name] = map[string][]figure{}
				}
				results[r.name][side(engine)] = append(results[r.name][side(engine)], f)
				fmt.Fprintf(stdout, "peers round=%d row=%s engine=%s ops=%d seconds=%.3f cpu_seconds=%.3f value=%s unit=%s cpu_us_per_op=%.1f\n",
					round, r.name, engine, f.Ops, f.Seconds, f.CPUSeconds, strconv.FormatFloat(f.value(r), 'g', 6, 64), r.unit, f.cpuPerOp())
				fmt.Fprintf(stderr, "round %d/%d  %-12s %-9s %s\n", round, c.rounds, r.name, engine, show(r, f.value(r)))
			}
		}
	}
	printTable(stdout, rows, results, c)
	return 0
}

// order is the engines of a pair, stepfold first in odd rounds.
func order(round int, r comparison) []string {
	if round%2 == 1 {
		return []string{"stepfold", r.peerEngine}
	}
	return []string{r.peerEngine, "stepfold"}
}

func side(engine string) string {
	if engine == "stepfold" {
		return "stepfold"
	}
	return "peer"
}

func needsNode(rows []comparison) bool {
	return slices.ContainsFunc(rows, func(r comparison) bool { return r.peerEngine == "node" })
}

// figure is one measurement.
type figure struct{ measurement }

// value is the row's figure: ops per second, or the mean time of an op
// (the rows that report it run one op at a time).
func (f figure) value(r comparison) float64 {
	if r.perOp {
		return f.BusySeconds / float64(f.Ops)
	}
	return float64(f.Ops) / f.Seconds
}

func (f figure) cpuPerOp() float64 { return f.CPUSeconds / float64(f.Ops) * 1e6 }

// measureOne runs one engine's side of r in a process of its own.
func (c driveConfig) measureOne(r comparison, engine string) (figure, error) {
	var cmd *exec.Cmd
	window := []string{"-duration", c.duration.String(), "-warmup", c.warmup.String(), "-concurrency", strconv.Itoa(r.concurrency), "-testdata", c.testdata}
	if engine == "node" {
		cmd = exec.Command(c.node, append([]string{c.script, r.workload}, window...)...)
	} else {
		cmd = exec.Command(c.self, append([]string{"worker", engine, r.workload}, window...)...)
	}
	cmd.Env = os.Environ()
	if r.oneCore {
		cmd = pinned(cmd)
		cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return figure{}, fmt.Errorf("%v: %s", err, strings.TrimSpace(errOut.String()))
	}
	var f figure
	if err := json.Unmarshal(out.Bytes(), &f.measurement); err != nil || f.Ops == 0 {
		return figure{}, fmt.Errorf("no measurement in %q (%v): %s", out.String(), err, errOut.String())
	}
	return f, nil
}

// pinned runs cmd on CPU 0 only, through taskset.
func pinned(cmd *exec.Cmd) *exec.Cmd {
	p := exec.Command("taskset", append([]string{"-c", "0", cmd.Path}, cmd.Args[1:]...)...)
	return p
}
