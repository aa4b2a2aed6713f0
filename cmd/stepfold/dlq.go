package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/stepfold/stepfold/local/deadletter"
)

// dlqBackend is what the dlq command works through: the data directory
// itself, or the admin routes of the server that holds it.
type dlqBackend interface {
	List(ctx context.Context) ([]deadletter.Message, error)
	Get(ctx context.Context, id string) (deadletter.Message, error)
	Redrive(ctx context.Context, id string) (deadletter.Result, error)
	RedriveAll(ctx context.Context) ([]deadletter.Result, error)
}

const dlqUsage = "usage: stepfold dlq [--data DIR] list | show ID | redrive (ID | --all)"

// dlq lists, shows and redrives dead letters. When a server holds the data
// directory it goes through the server's admin routes; otherwise it opens
// the directory itself.
func dlq(ctx context.Context, args []string, stdout, stderr io.Writer, e env) error {
	fs := flag.NewFlagSet("dlq", flag.ContinueOnError)
	data := fs.String("data", e.or("STEPFOLD_DATA", defaultData), "data directory (env STEPFOLD_DATA)")
	all := fs.Bool("all", false, "redrive every message")
	rest, err := parseMixed(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return errors.New(dlqUsage)
	}
	backend, done, err := openDLQ(*data, e)
	if err != nil {
		return err
	}
	defer done()
	return dlqCommand(ctx, backend, rest, *all, stdout)
}

// openDLQ opens the data directory, or connects to the server holding it.
func openDLQ(dir string, e env) (dlqBackend, func(), error) {
	a, err := openApp(appConfig{data: dir, history: 100, log: quietLogger(), webhooks: e.webhooks()})
	var inUse *errInUse
	if errors.As(err, &inUse) {
		return &deadletter.Client{Base: "http://" + inUse.info.Addr}, func() {}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return a.dlq, func() { _ = a.close(context.Background()) }, nil
}

func dlqCommand(ctx context.Context, b dlqBackend, args []string, all bool, stdout io.Writer) error {
	switch {
	case args[0] == "list" && len(args) == 1:
		ms, err := b.List(ctx)
		if err != nil {
			return err
		}
		printMessages(stdout, ms)
		return nil
	case args[0] == "show" && len(args) == 2:
		m, err := b.Get(ctx, args[1])
		if err != nil {
			return err
		}
		return printMessage(stdout, m)
	case args[0] == "redrive" && all && len(args) == 1:
		rs, err := b.RedriveAll(ctx)
		printResults(stdout, rs)
		printRedrove(stdout, rs)
		return errors.Join(err, failed(rs))
	case args[0] == "redrive" && !all && len(args) == 2:
		r, err := b.Redrive(ctx, args[1])
		if err != nil {
			return err
		}
		printResults(stdout, []deadletter.Result{r})
		return failed([]deadletter.Result{r})
	}
	return errors.New(dlqUsage)
}

// failed is an error when some redrive did not go through.
func failed(rs []deadletter.Result) error {
	n := len(rs) - countDone(rs)
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d messages failed again and stay in the queue", n, len(rs))
}

func printMessages(w io.Writer, ms []deadletter.Message) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tQUEUE\tRECEIVED\tSUMMARY")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Name(), m.Queue, m.Received.Format(time.RFC3339), summary(m))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "%d message(s)\n", len(ms))
}

// streamKey is the command member of a domain's stream id.
func streamKey(domain string) string {
	for _, d := range builtin() {
		if info := d.info(); info.Name == domain {
			return info.Routes.CommandStreamKey
		}
	}
	return ""
}

// summary is one line about a message: the command and why it failed, or
// the event.
func summary(m deadletter.Message) string {
	var cm deadletter.CommandMessage
	if m.Queue == deadletter.CommandQueue(m.Domain) && json.Unmarshal([]byte(m.Body), &cm) == nil {
		var c map[string]any
		_ = json.Unmarshal(cm.Command, &c)
		return fmt.Sprintf("%v %v (command %v) failed at %s: %s", c["type"], c[streamKey(m.Domain)], c["commandId"], cm.FailedStep, cm.Error)
	}
	var ev struct {
		DetailType string `json:"detail-type"`
		Detail     struct {
			ID string `json:"id"`
		} `json:"detail"`
	}
	if json.Unmarshal([]byte(m.Body), &ev) == nil && ev.Detail.ID != "" {
		return ev.DetailType + " " + ev.Detail.ID
	}
	return fmt.Sprintf("%d bytes", len(m.Body))
}

func printMessage(w io.Writer, m deadletter.Message) error {
	var body any = m.Body
	var parsed any
	if json.Unmarshal([]byte(m.Body), &parsed) == nil {
		body = parsed
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"id": m.Name(), "domain": m.Domain, "queue": m.Queue, "received": m.Received, "body": body})
}

// printRedrove says how many messages a redrive of all put through.
func printRedrove(w io.Writer, rs []deadletter.Result) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "redrove 0 messages: the dead-letter queues are empty")
		return
	}
	fmt.Fprintf(w, "redrove %d of %d message(s)\n", countDone(rs), len(rs))
}

// countDone counts the redrives that went through.
func countDone(rs []deadletter.Result) int {
	n := 0
	for _, r := range rs {
		if r.Done {
			n++
		}
	}
	return n
}

func printResults(w io.Writer, rs []deadletter.Result) {
	for _, r := range rs {
		mark := "FAILED"
		if r.Done {
			mark = "ok"
		}
		fmt.Fprintf(w, "%s:%s\t%s\t%s", r.Domain, r.ID, mark, r.Detail)
		if r.ExecutionARN != "" {
			fmt.Fprintf(w, "\t%s", r.ExecutionARN)
		}
		fmt.Fprintln(w)
	}
}
