package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// RunDeadLetters checks that the queues newQueue builds satisfy the
// events.DeadLetters contract. It calls newQueue once per subtest.
func RunDeadLetters(t *testing.T, newQueue func(t *testing.T) events.DeadLetters) {
	t.Helper()
	runCases(t, []suiteCase[events.DeadLetters]{
		{"empty queue lists nothing", testLettersEmpty},
		{"send, list oldest first, get", testLettersOrder},
		{"delete removes one message", testLettersDelete},
		{"canceled context", testLettersCanceled},
	}, newQueue)
}

// sendAll sends n messages and returns their ids.
func sendAll(t *testing.T, q events.DeadLetters, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		id, err := q.Send(context.Background(), fmt.Sprintf(`{"n":%d}`, i))
		if err != nil || id == "" {
			t.Fatalf("Send %d: %q, %v", i, id, err)
		}
		ids[i] = id
	}
	return ids
}

func list(t *testing.T, q events.DeadLetters) []events.DeadLetter {
	t.Helper()
	ms, err := q.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return ms
}

func testLettersEmpty(t *testing.T, q events.DeadLetters) {
	if ms := list(t, q); len(ms) != 0 {
		t.Fatalf("List of an empty queue: %d messages", len(ms))
	}
}

func testLettersOrder(t *testing.T, q events.DeadLetters) {
	ids := sendAll(t, q, 12)
	ms := list(t, q)
	if len(ms) != len(ids) {
		t.Fatalf("List: %d messages, want %d", len(ms), len(ids))
	}
	for i, m := range ms {
		if m.ID != ids[i] || m.Body != fmt.Sprintf(`{"n":%d}`, i) || m.Received.IsZero() {
			t.Fatalf("message %d: %+v; want id %s, body n=%d, a received time", i, m, ids[i], i)
		}
	}
	got, err := q.Get(context.Background(), ids[4])
	if err != nil || got.ID != ids[4] || got.Body != ms[4].Body || !got.Received.Equal(ms[4].Received) {
		t.Fatalf("Get(%s) = %+v, %v; want %+v", ids[4], got, err, ms[4])
	}
}

func testLettersDelete(t *testing.T, q events.DeadLetters) {
	ctx := context.Background()
	ids := sendAll(t, q, 3)
	if err := q.Delete(ctx, ids[1]); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := q.Delete(ctx, ids[1]); err != nil {
		t.Fatalf("Delete of a deleted message: %v; want nil", err)
	}
	ms := list(t, q)
	if len(ms) != 2 || ms[0].ID != ids[0] || ms[1].ID != ids[2] {
		t.Fatalf("List after Delete: %+v; want %s and %s", ms, ids[0], ids[2])
	}
	_, err := q.Get(ctx, ids[1])
	wantError(t, "Get of a deleted message", err, events.ErrNotFound)
}

func testLettersCanceled(t *testing.T, q events.DeadLetters) {
	_, err := q.Send(canceled(), "x")
	wantError(t, "Send", err, context.Canceled)
	_, err = q.List(canceled())
	wantError(t, "List", err, context.Canceled)
	if ms := list(t, q); len(ms) != 0 {
		t.Fatalf("a canceled Send stored %d messages", len(ms))
	}
}
