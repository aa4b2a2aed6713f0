package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/boltstore"
)

// repair drops what damage in each domain's write-ahead log makes
// unreadable (or one domain's, with --domain), and reports each append it
// drops, or with --dry-run only would drop. It needs the data directory to
// itself.
func repair(_ context.Context, args []string, stdout, stderr io.Writer, e env) error {
	fs := flag.NewFlagSet("repair", flag.ContinueOnError)
	data := fs.String("data", e.or("STEPFOLD_DATA", defaultData), "data directory (env STEPFOLD_DATA)")
	only := fs.String("domain", "", "repair only this domain's log (default: every domain's)")
	dry := fs.Bool("dry-run", false, "only report what repair would drop; change nothing")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; usage: stepfold repair [--data DIR] [--domain NAME] [--dry-run]", fs.Arg(0))
	}
	infos, err := domainInfos(builtin(), *only)
	if err != nil {
		return err
	}
	for _, info := range infos {
		if err := repairDomain(*data, info, *dry, stdout); err != nil {
			return err
		}
	}
	return nil
}

// domainInfos describes the named domain, or every domain when name is "".
func domainInfos(ds []domain, name string) ([]events.Info, error) {
	var all []events.Info
	for _, d := range ds {
		if info := d.info(); name == "" || info.Name == name {
			all = append(all, info)
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no domain is called %q", name)
	}
	return all, nil
}

// repairDomain repairs one domain's log in data/<name>/.
func repairDomain(data string, info events.Info, dry bool, stdout io.Writer) error {
	name, dir := info.Name, filepath.Join(data, info.Name)
	r, err := boltstore.Repair(filepath.Join(dir, storeFile), dry)
	var inUse *errInUse
	if errors.As(heldBy(data, err), &inUse) {
		return fmt.Errorf("%w; stop it first (kill -TERM %d): repair rewrites the event log and needs the data dir to itself", inUse, inUse.info.PID)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil // the domain has no log yet
	}
	if err != nil {
		return err
	}
	if len(r.Damage) == 0 {
		fmt.Fprintf(stdout, "the event log in %s is sound: nothing to repair\n", r.Log)
		return nil
	}
	printRepair(stdout, r, dry, info.Noun)
	if dry {
		fmt.Fprintf(stdout, "dry run: nothing changed; run stepfold repair --data %s --domain %s to drop them\n", data, name)
		return nil
	}
	return dropReadModel(stdout, dir, r)
}

// printRepair writes what repair found and dropped.
func printRepair(w io.Writer, r *boltstore.RepairReport, dry bool, noun string) {
	fmt.Fprintf(w, "the event log in %s is damaged:\n", r.Log)
	for _, d := range r.Damage {
		fmt.Fprintf(w, "  %s\n", damageLine(d))
	}
	verb := "dropped"
	if dry {
		verb = "would drop"
	}
	fmt.Fprintf(w, "%s %d %s:\n", verb, len(r.Dropped), plural(len(r.Dropped), "append", "appends"))
	for _, d := range r.Dropped {
		fmt.Fprintf(w, "  %s\n", droppedLine(d, noun))
	}
	if r.Kept > 0 {
		fmt.Fprintf(w, "kept %d records written after the damage, which continue their %ss\n", r.Kept, noun)
	}
	if ids := reusedIDs(r); len(ids) > 0 {
		fmt.Fprintf(w, "the next commands on these %ss take the dropped versions again, under the same event ids (%s);\n"+
			"if those events were published, subscribers that dedupe by event id ignore the new ones: look for them in %s and at your webhooks\n",
			noun, strings.Join(ids, ", "), archiveFile)
	}
	if r.Backup != "" {
		fmt.Fprintf(w, "moved the segments, as they were, to %s\n", r.Backup)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func damageLine(d boltstore.Damage) string {
	seg := filepath.Base(d.Segment)
	switch {
	case d.Missing > 0:
		return fmt.Sprintf("records %d to %d are in no segment (the next is in %s)", d.Seq, d.Seq+d.Missing-1, seg)
	case d.Torn:
		return fmt.Sprintf("%s offset %d: a torn tail of %d bytes from record %d on (a write a crash cut short; none of its appends returned)", seg, d.Offset, d.Size, d.Seq)
	case d.Checkpointed:
		return fmt.Sprintf("%s offset %d: %d bytes do not read back, all of them records the store file already holds (nothing lost)", seg, d.Offset, d.Size)
	}
	return fmt.Sprintf("%s offset %d: %d bytes do not read back, from record %d on; %d records after them do", seg, d.Offset, d.Size, d.Seq, d.After)
}

func droppedLine(d boltstore.Dropped, noun string) string {
	if d.Stream == "" {
		return fmt.Sprintf("record %d: %s and command unreadable (%s)", d.Seq, noun, d.Reason)
	}
	versions := fmt.Sprintf("versions %d to %d", d.First, d.Last)
	switch {
	case d.Last < d.First:
		versions = "versions unreadable"
	case d.First == d.Last:
		versions = fmt.Sprintf("version %d", d.First)
	}
	reason := d.Reason
	if !d.Verified {
		reason = "unverified, read from the damage: " + reason
	}
	return fmt.Sprintf("record %d: %s %s, command %s, %s (%s)", d.Seq, noun, d.Stream, d.CommandID, versions, reason)
}

// reusedIDs returns the ids of the events dropped from appends that
// returned (not from a torn tail), which new events will take again.
func reusedIDs(r *boltstore.RepairReport) []string {
	var ids []string
	for _, d := range r.Dropped {
		for v := d.First; !d.Torn && d.Stream != "" && v <= d.Last; v++ {
			ids = append(ids, events.EventID(d.Stream, v))
		}
	}
	return ids
}

// dropReadModel removes the read model when repair dropped appends that
// may have returned, and so may have been folded into it: the next start
// folds every account again from the repaired log.
func dropReadModel(w io.Writer, dir string, r *boltstore.RepairReport) error {
	folded := false
	for _, d := range r.Dropped {
		folded = folded || !d.Torn
	}
	if !folded {
		return nil
	}
	err := os.Remove(filepath.Join(dir, readModelFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the log is repaired, but the read model may still hold the dropped events: %w; remove it before the next start", err)
	}
	fmt.Fprintf(w, "removed %s, which may hold the dropped events: the next start folds every account again from the log\n", readModelFile)
	return nil
}

// repairHint adds to Open's refusal of a damaged log what to run.
func repairHint(dir string, err error) error {
	var c *boltstore.CorruptLogError
	if !errors.As(err, &c) {
		return err
	}
	return fmt.Errorf("%w\nthe server does not start on this log, so that no acknowledged command is lost without a word; with it stopped, see what repair would drop:\n"+
		"  stepfold repair --data %s --dry-run\nand drop it:\n  stepfold repair --data %s", err, dir, dir)
}
