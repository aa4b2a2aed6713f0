package eventbus

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"slices"
	"time"

	"github.com/stepfold/stepfold/events"
)

// ReplayOptions narrows and reports a replay.
type ReplayOptions struct {
	// From and Until bound the event time: From <= time < Until. A zero
	// bound is open.
	From, Until time.Time
	// Name goes into each replayed event's replay-name field (default
	// "localbus-replay"), so subscribers can tell a replay apart.
	Name string
	// Progress, if set, is called after each archived event that was sent
	// to the rule's target, and once more with the totals when the archive
	// has been read to its end.
	Progress func(ReplayProgress)
}

// ReplayProgress counts what a replay has done so far.
type ReplayProgress struct {
	Read         int // archive lines read
	Skipped      int // lines that are not a bus event, such as a torn last line
	Matched      int // events in the window that match the rule
	Delivered    int // matched events the target took
	DeadLettered int // matched events sent to the target's dead-letter queue
}

func (o ReplayOptions) validate() error {
	if !o.From.IsZero() && !o.Until.IsZero() && !o.From.Before(o.Until) {
		return invalid("replay window %v..%v is empty", o.From, o.Until)
	}
	return nil
}

func (o ReplayOptions) inWindow(t time.Time) bool {
	return (o.From.IsZero() || !t.Before(o.From)) && (o.Until.IsZero() || t.Before(o.Until))
}

// Replay re-delivers the events of the archive at archivePath that fall in
// the window and match rule's pattern to that rule's target, in archive
// order, with the bus's retries and dead-letter queue. It reads the archive
// only up to its size when the replay starts, so replaying into the archive
// itself ends. It returns what it did, and InvalidArgument for an unknown
// rule or an empty window, StoreUnavailable when the archive cannot be read,
// or ctx's error when ctx ends.
func (b *Bus) Replay(ctx context.Context, archivePath, rule string, opts ReplayOptions) (ReplayProgress, error) {
	if err := opts.validate(); err != nil {
		return ReplayProgress{}, err
	}
	r, ok := b.rules[rule]
	if !ok {
		return ReplayProgress{}, invalid("no rule named %q", rule)
	}
	if b.isClosed() {
		return ReplayProgress{}, invalid("the bus is closed")
	}
	if opts.Name == "" {
		opts.Name = "localbus-replay"
	}
	rd, closeFile, err := openArchive(archivePath)
	if err != nil {
		return ReplayProgress{}, err
	}
	defer closeFile()
	rp := replay{bus: b, rule: rule, lane: b.lanes[r.Target], opts: opts}
	return rp.run(ctx, rd)
}

// openArchive returns a reader of the archive as it is now.
func openArchive(path string) (*bufio.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, events.Wrap(events.CodeStoreUnavailable, err, "localbus: opening archive for replay")
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, events.Wrap(events.CodeStoreUnavailable, err, "localbus: reading archive "+path)
	}
	return bufio.NewReader(io.LimitReader(f, fi.Size())), func() { f.Close() }, nil
}

type replay struct {
	bus  *Bus
	rule string
	lane *lane
	opts ReplayOptions
	p    ReplayProgress
}

func (rp *replay) run(ctx context.Context, rd *bufio.Reader) (ReplayProgress, error) {
	for {
		if err := ctx.Err(); err != nil {
			return rp.p, err
		}
		line, err := rd.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			rp.line(ctx, line)
		}
		if errors.Is(err, io.EOF) {
			rp.report()
			return rp.p, nil
		}
		if err != nil {
			return rp.p, events.Wrap(events.CodeStoreUnavailable, err, "localbus: reading archive")
		}
	}
}

// line replays one archive line, if it is in the window and matches.
func (rp *replay) line(ctx context.Context, line []byte) {
	rp.p.Read++
	d, ok := rp.delivery(line)
	if !ok {
		return
	}
	rp.p.Matched++
	if rp.bus.deliverNow(ctx, rp.lane, d) {
		rp.p.Delivered++
	} else {
		rp.p.DeadLettered++
	}
	rp.report()
}

func (rp *replay) report() {
	if rp.opts.Progress != nil {
		rp.opts.Progress(rp.p)
	}
}

// delivery decodes line and returns it as a delivery for the rule, or false
// when it is skipped or does not qualify.
func (rp *replay) delivery(line []byte) (delivery, bool) {
	var e Event
	t, err := decodeArchived(line, &e)
	if err != nil {
		rp.p.Skipped++
		return delivery{}, false
	}
	if !rp.opts.inWindow(t) {
		return delivery{}, false
	}
	e.ReplayName = rp.opts.Name
	data, err := marshal(e)
	if err != nil {
		rp.p.Skipped++
		return delivery{}, false
	}
	rules, err := rp.bus.matcher.match(data)
	if err != nil || !slices.Contains(rules, rp.rule) {
		return delivery{}, false
	}
	return delivery{rule: rp.rule, id: e.ID, event: data, queued: rp.bus.cfg.now()}, true
}

func decodeArchived(line []byte, e *Event) (time.Time, error) {
	if err := json.Unmarshal(line, e); err != nil {
		return time.Time{}, err
	}
	if e.ID == "" || e.DetailType == "" {
		return time.Time{}, errors.New("not a bus event")
	}
	return time.Parse(time.RFC3339, e.Time)
}
