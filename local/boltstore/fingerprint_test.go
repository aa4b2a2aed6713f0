package boltstore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// first is s-1's first event as command c-a, sent with fingerprint fp.
func first(fp events.Fingerprint) events.Batch {
	b := newBatch("s-1", 0, 1, "c-a", `{"n":1}`)
	b.Fingerprint = fp
	return b
}

// TestFingerprintSurvivesRecovery records a command with a fingerprint,
// copies the store as a crash would leave it (the record only in the log,
// or checkpointed into the file) and checks that the copy still tells a
// retry from a reuse of the command id.
func TestFingerprintSurvivesRecovery(t *testing.T) {
	for _, checkpointed := range []bool{false, true} {
		s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
		if _, err := s.Append(context.Background(), first("fp-1")); err != nil {
			t.Fatal(err)
		}
		if checkpointed {
			checkpointNow(t, s)
		}
		re := openLogged(t, crashCopy(t, s))
		_, err := re.Append(context.Background(), first("fp-2"))
		if !errors.Is(err, events.ErrIdempotencyKeyReused) {
			t.Errorf("checkpointed=%v: another request after recovery: %v, want IdempotencyKeyReused", checkpointed, err)
		}
		if got, err := re.Append(context.Background(), first("fp-1")); err != nil || !got.Duplicate {
			t.Errorf("checkpointed=%v: a retry after recovery: %+v, %v, want a duplicate", checkpointed, got, err)
		}
	}
}

// TestRecordsWithoutFingerprint checks that a command recorded without a
// fingerprint is stored in the form stores wrote before fingerprints
// existed (16 bytes in the file, a log record that ends after its
// snapshots), and that both forms read back as "no fingerprint".
func TestRecordsWithoutFingerprint(t *testing.T) {
	if v := encodeCommand(1, 2, ""); len(v) != 16 {
		t.Fatalf("a record without a fingerprint is %d bytes, want the old 16", len(v))
	}
	if first, last, fp, ok := decodeCommand(encodeCommand(1, 2, "")); !ok || first != 1 || last != 2 || fp != "" {
		t.Fatalf("decodeCommand of an old record: %d %d %q %v", first, last, fp, ok)
	}
	for _, fp := range []events.Fingerprint{"", "fp-1"} {
		rec := appendRecord(nil, &entry{seq: 7, stream: "s-1", commandID: "c-a", fingerprint: fp, first: 1, enc: [][]byte{{formatV1}}})
		e, n, ok := readRecord(rec)
		if !ok || n != len(rec) || e.fingerprint != fp || e.commandID != "c-a" || e.seq != 7 {
			t.Fatalf("log record with fingerprint %q read back as %+v, %d, %v", fp, e, n, ok)
		}
	}
	s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
	if _, err := s.Append(context.Background(), first("")); err != nil {
		t.Fatal(err)
	}
	checkpointNow(t, s)
	if got, err := s.Append(context.Background(), first("fp-2")); err != nil || !got.Duplicate {
		t.Errorf("a request against a record without a fingerprint: %+v, %v, want a duplicate", got, err)
	}
}
