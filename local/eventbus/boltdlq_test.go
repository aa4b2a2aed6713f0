package eventbus

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stepfold/stepfold/local/boltstore"
)

// TestWebhookDeadLettersIntoBoltstore runs the permanent-failure path against
// the dead-letter queue that stepfold serve uses.
func TestWebhookDeadLettersIntoBoltstore(t *testing.T) {
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "dlq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(&endpoint{statuses: []int{410}})
	defer srv.Close()
	wh, err := NewWebhook(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	dlq := store.DeadLetters()
	b, err := New(t.TempDir(), realRules(t)[:1], WithSource(bankSource), WithTarget("notify", wh, dlq))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()[5:6]); err != nil {
		t.Fatal(err)
	}
	closeBus(t, b)
	msgs, err := dlq.List(context.Background())
	if err != nil || len(msgs) != 1 {
		t.Fatalf("List = %d messages, %v; want 1", len(msgs), err)
	}
	if e := decodeEvent(t, []byte(msgs[0].Body)); e.ID != "acc-1:6" || e.DetailType != "AccountClosed" {
		t.Errorf("dead letter holds %s; want the bus event acc-1:6", msgs[0].Body)
	}
}
