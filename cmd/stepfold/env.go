package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stepfold/stepfold/rules"
)

// errUsage is a flag error that the flag package already printed.
var errUsage = errors.New("usage")

// errHelp is -h or --help: the flag package printed the usage, and the
// command exits 0.
var errHelp = errors.New("help")

// Defaults of the flags.
const (
	defaultData = "data"
	defaultAddr = "127.0.0.1:8080"
)

// env is the process environment, as given to run.
type env map[string]string

func newEnv(environ []string) env {
	e := env{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			e[k] = v
		}
	}
	return e
}

// or returns the variable, or def when it is unset or empty.
func (e env) or(name, def string) string {
	if v := e[name]; v != "" {
		return v
	}
	return def
}

// webhooks returns STEPFOLD_WEBHOOK_<TARGET>=url as target -> url, with the
// target in lower case and '_' turned into '-'.
func (e env) webhooks() map[string]string {
	out := map[string]string{}
	for k, v := range e {
		if name, ok := strings.CutPrefix(k, "STEPFOLD_WEBHOOK_"); ok && name != "" && v != "" {
			out[strings.ReplaceAll(strings.ToLower(name), "_", "-")] = v
		}
	}
	return out
}

// parse parses flags, turning -h into errHelp and bad flags into
// errUsage.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return errHelp
	case err != nil:
		return errUsage
	}
	return nil
}

// parseMixed parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseMixed(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args, stderr); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// webhookFlag collects --webhook NAME=URL.
type webhookFlag map[string]string

func (w webhookFlag) String() string { return fmt.Sprint(map[string]string(w)) }

func (w webhookFlag) Set(s string) error {
	name, url, ok := strings.Cut(s, "=")
	if !ok || name == "" || url == "" {
		return errors.New("want NAME=URL")
	}
	w[name] = url
	return nil
}

// readRules reads the rules files that replace domains' embedded rules,
// by their source: the domain whose events carry that source takes the
// file.
func readRules(paths []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		set, err := rules.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("--rules %s: %w", p, err)
		}
		if _, dup := out[set.Source]; dup {
			return nil, fmt.Errorf("--rules %s: another file already gives the rules of source %s", p, set.Source)
		}
		out[set.Source] = b
	}
	return out, nil
}

// listFlag collects a repeatable flag whose values may also be
// comma-separated, as in its environment variable.
type listFlag []string

func newListFlag(env string) listFlag {
	var l listFlag
	_ = l.Set(env)
	return l
}

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}
