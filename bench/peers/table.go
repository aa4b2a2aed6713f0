package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// printTable prints, for each row, the median of each side's rounds, the
// ratio of each pair (how many times better stepfold is; the two sides of
// a pair ran back to back, so the ratio is steadier than the figures on a
// shared machine) as their median and range, and the CPU time per op of
// each side's median round, as a Markdown table; then one
// machine-readable summary line per row.
func printTable(w io.Writer, rows []comparison, results map[string]map[string][]figure, c driveConfig) {
	fmt.Fprintf(w, "\n%d alternated pairs, %s each after %s of warm-up; %d CPUs, load average %s at the end.\n\n",
		c.rounds, c.duration, c.warmup, runtime.NumCPU(), loadAverage())
	fmt.Fprintln(w, "| workload | stepfold | peer | ratio, median of pairs (range) | CPU per op, stepfold / peer |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	var lines []string
	for _, r := range rows {
		oursAll, theirsAll := results[r.name]["stepfold"], results[r.name]["peer"]
		ours, theirs := median(r, oursAll), median(r, theirsAll)
		ratios := pairRatios(r, oursAll, theirsAll)
		fmt.Fprintf(w, "| %s | %s | %s: %s | %s× (%s–%s) | %s / %s |\n", r.title, show(r, ours.value(r)), r.peer, show(r, theirs.value(r)),
			showRatio(ratios[(len(ratios)-1)/2]), showRatio(ratios[0]), showRatio(ratios[len(ratios)-1]),
			showTime(ours.cpuPerOp()/1e6), showTime(theirs.cpuPerOp()/1e6))
		lines = append(lines, fmt.Sprintf("peers summary row=%s stepfold=%s peer=%s unit=%s ratio=%.3g ratio_min=%.3g ratio_max=%.3g stepfold_cpu_us=%.1f peer_cpu_us=%.1f",
			r.name, strconv.FormatFloat(ours.value(r), 'g', 6, 64), strconv.FormatFloat(theirs.value(r), 'g', 6, 64), r.unit,
			ratios[(len(ratios)-1)/2], ratios[0], ratios[len(ratios)-1], ours.cpuPerOp(), theirs.cpuPerOp()))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}

// pairRatios is, for each round, how many times better stepfold did than
// the peer, sorted.
func pairRatios(r comparison, ours, theirs []figure) []float64 {
	out := make([]float64, min(len(ours), len(theirs)))
	for i := range out {
		out[i] = ours[i].value(r) / theirs[i].value(r)
		if r.perOp {
			out[i] = 1 / out[i]
		}
	}
	slices.Sort(out)
	return out
}

// median is the round with the median value (the lower middle one of an
// even count), so its CPU figure belongs to the same measurement.
func median(r comparison, fs []figure) figure {
	s := slices.Clone(fs)
	slices.SortFunc(s, func(a, b figure) int {
		if a.value(r) < b.value(r) {
			return -1
		}
		if a.value(r) > b.value(r) {
			return 1
		}
		return 0
	})
	return s[(len(s)-1)/2]
}

// show formats a row's figure: a rate with thousands separators, or a
// time.
func show(r comparison, v float64) string {
	if !r.perOp {
		return thousands(int64(math.Round(v)))
	}
	return showTime(v)
}

// showTime formats seconds with three significant digits.
func showTime(v float64) string {
	d := time.Duration(v * float64(time.Second))
	for unit := time.Nanosecond; unit <= time.Second; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit).String()
		}
	}
	return d.Round(time.Millisecond).String()
}

func showRatio(x float64) string {
	switch {
	case x >= 1000:
		return thousands(int64(math.Round(x)))
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// loadAverage is the one-minute load average, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}
