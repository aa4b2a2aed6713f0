package boltstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// RepairReport is what Repair found in a store's write-ahead log, and what
// it dropped (or, on a dry run, would drop).
type RepairReport struct {
	Log     string    // the log's directory
	Damage  []Damage  // where the log is damaged, in log order; empty when it is sound
	Dropped []Dropped // the appends dropped, in log order
	Kept    int       // records after the first damage that were kept
	Backup  string    // where the segments were moved; "" on a dry run or for a sound log
}

// Damage is a stretch of a log segment that does not read back, or a run
// of records that no segment holds.
type Damage struct {
	Segment      string // the segment file
	Offset, Size int64  // where the stretch starts and how long it is; Size is 0 for missing records
	Seq          uint64 // the seq of the first record it held
	Missing      uint64 // for missing records, how many; otherwise 0
	After        int    // how many records after it read back
	Torn         bool   // an unfinished last write: none of its appends returned
	Checkpointed bool   // the store file holds every record it can have held: nothing is lost
}

// Dropped is one append that Repair drops.
type Dropped struct {
	Seq         uint64 // its log record
	Stream      string // "" when the record does not say
	CommandID   string
	First, Last int64 // the versions of its events; 0 and -1 when the record does not say
	// Verified is true for a record that reads back, which Repair drops
	// because versions of its stream before it are lost. An append read
	// from damage, ignoring its checksum, is not verified and may be wrong.
	Verified bool
	Torn     bool   // from a torn tail: the append never returned
	Reason   string // why it is dropped
}

// Repair makes the write-ahead log of the store file at path readable
// again, for a store Open refuses with a *CorruptLogError. It must have
// the file to itself: it fails with StoreUnavailable while a Store has it
// open. It reads every segment; keeps each record that reads back and
// continues its stream's versions; drops the damage, and each record
// that follows a version the damage lost; writes what it keeps into the
// file; and moves the segments into a directory next to the log, so that
// nothing is deleted. The report lists every append dropped. With dryRun
// set it only reports. A sound log is left as it is (Open recovers it).
//
// Dropped versions are free again: the next appends to those streams
// take them, with new event ids that equal the dropped events' ids. Events
// already published under those ids, and read models folded from them, do
// not go away by themselves.
func Repair(path string, dryRun bool, opts ...Option) (*RepairReport, error) {
	c, err := configure(opts)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, events.Wrap(events.CodeStoreUnavailable, err, "no store file at "+path)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: c.lockTimeout})
	if err != nil {
		return nil, openError(path, err)
	}
	r, err := repair(db, path, dryRun, c.syncDir)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return r, events.Wrap(events.CodeStoreUnavailable, err, "cannot repair the event log of "+path)
	}
	return r, nil
}

func repair(db *bolt.DB, path string, dryRun bool, sync func(string) error) (*RepairReport, error) {
	scan, err := scanLog(logDir(path))
	if err != nil {
		return nil, err
	}
	var p *repairPlan
	err = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketEvents) == nil || tx.Bucket(bucketMeta) == nil {
			return errors.New(path + " is not a store file: it lacks the events and meta buckets")
		}
		p = planRepair(tx, scan)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if dryRun || len(p.report.Damage) == 0 {
		return &p.report, nil
	}
	if err := db.Update(func(tx *bolt.Tx) error { return p.write(tx) }); err != nil {
		return &p.report, err
	}
	p.report.Backup, err = moveSegments(scan, sync)
	return &p.report, err
}

// repairPlan is what Repair keeps and drops.
type repairPlan struct {
	report  RepairReport
	applied uint64 // the last seq the file held
	heads   map[string]int64
	events  *bolt.Cursor
	keep    []*entry
	last    uint64 // the highest seq the log has used
	damaged bool   // a problem that loses records has been seen
}

// planRepair walks the log in order and decides what to keep.
func planRepair(tx *bolt.Tx, scan *logScan) *repairPlan {
	p := &repairPlan{report: RepairReport{Log: scan.dir}, applied: appliedIn(tx), heads: map[string]int64{},
		events: tx.Bucket(bucketEvents).Cursor()}
	p.last = p.applied
	problems := scan.problems()
	for _, s := range scan.segments {
		for i, e := range s.records {
			problems = p.problemsBefore(problems, s, i)
			p.record(s, e)
		}
		problems = p.problemsBefore(problems, s, len(s.records))
	}
	p.events = nil // it lives only as long as tx
	return p
}

// problemsBefore handles the problems of s that lie before its record i,
// and returns the rest.
func (p *repairPlan) problemsBefore(ps []problem, s *segment, i int) []problem {
	for len(ps) > 0 && ps[0].seg == s && ps[0].before == i {
		p.problem(ps[0])
		ps = ps[1:]
	}
	return ps
}

// problem reports a damaged stretch and the append it held.
func (p *repairPlan) problem(pr problem) {
	k := pr.kind(p.applied)
	p.report.Damage = append(p.report.Damage, Damage{Segment: pr.seg.path, Offset: pr.offset, Size: pr.size,
		Seq: pr.seq(), After: pr.after, Torn: k == tornTailKind, Checkpointed: k == checkpointed})
	if k == checkpointed {
		return
	}
	p.damaged = true
	p.last = max(p.last, pr.seq())
	if pr.next > 0 {
		p.last = max(p.last, pr.next-1)
	}
	d := Dropped{Seq: pr.seq(), Last: -1, Torn: k == tornTailKind, Reason: "its record does not read back"}
	if k == tornTailKind {
		d.Reason = "a crash cut its write short"
	}
	if r := pr.read(); r != nil {
		d.Stream, d.CommandID = r.stream, r.commandID
		if len(r.enc) > 0 {
			d.First, d.Last = r.first, r.last()
		}
	}
	if pr.next > pr.seq()+1 {
		d.Reason += fmt.Sprintf("; nor do records %d to %d after it", pr.seq()+1, pr.next-1)
	}
	p.report.Dropped = append(p.report.Dropped, d)
}

// record keeps e if it continues its stream's versions, and drops it
// otherwise.
func (p *repairPlan) record(s *segment, e *entry) {
	if e.seq <= p.applied {
		return
	}
	if e.seq > p.last+1 {
		p.missing(s, e)
	}
	p.last = max(p.last, e.seq)
	head := p.head(e.stream)
	if e.first == head+1 {
		p.keep = append(p.keep, e)
		p.heads[e.stream] = e.last()
		if p.damaged {
			p.report.Kept++
		}
		return
	}
	reason := fmt.Sprintf("versions %d to %d of %s before it are lost", head+1, e.first-1, e.stream)
	if e.first <= head {
		reason = fmt.Sprintf("version %d of %s is already taken", e.first, e.stream)
	}
	p.report.Dropped = append(p.report.Dropped, Dropped{Seq: e.seq, Stream: e.stream, CommandID: e.commandID,
		First: e.first, Last: e.last(), Verified: true, Reason: reason})
}

// missing reports that the records between the last one seen and e are in
// no segment.
func (p *repairPlan) missing(s *segment, e *entry) {
	from, n := p.last+1, e.seq-p.last-1
	p.damaged = true
	p.report.Damage = append(p.report.Damage, Damage{Segment: s.path, Seq: from, Missing: n})
	p.report.Dropped = append(p.report.Dropped, Dropped{Seq: from, Last: -1,
		Reason: fmt.Sprintf("records %d to %d are in no segment", from, e.seq-1)})
}

// head returns the last version of stream among what the file and the
// kept records hold.
func (p *repairPlan) head(stream string) int64 {
	if v, ok := p.heads[stream]; ok {
		return v
	}
	v := int64(0)
	if k, _ := lastOf(p.events, stream); k != nil {
		v = versionOf(stream, k)
	}
	p.heads[stream] = v
	return v
}

// write puts the kept records into the file, and the highest seq the log
// used as the last it holds, so that the next records come after it.
func (p *repairPlan) write(tx *bolt.Tx) error {
	for _, e := range p.keep {
		if err := writeEntry(tx, e); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keyApplied, key(int64(p.last)))
}

// moveSegments moves every segment of scan into a new directory beside the
// log, and returns its path.
func moveSegments(scan *logScan, sync func(string) error) (string, error) {
	parent := filepath.Dir(scan.dir)
	to, err := os.MkdirTemp(parent, filepath.Base(scan.dir)+".damaged-"+time.Now().UTC().Format("20060102T150405Z")+"-")
	if err != nil {
		return "", err
	}
	for _, s := range scan.segments {
		if err := os.Rename(s.path, filepath.Join(to, filepath.Base(s.path))); err != nil {
			return to, err
		}
	}
	return to, errors.Join(sync(to), sync(scan.dir), sync(parent))
}
