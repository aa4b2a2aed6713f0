package eventbus

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestEventAppendJSON writes bus events as encoding/json writes them
// without HTML escaping, the detail compacted.
func TestEventAppendJSON(t *testing.T) {
	for _, e := range []Event{
		{Version: "0", ID: "acc-1:1", DetailType: "AccountOpened", Source: "stepfold", Account: LocalAccount,
			Time: "2026-11-23T10:00:00Z", Region: LocalRegion, Resources: []string{}, Detail: json.RawMessage(`{"id":"acc-1:1","data":{"a":"<&>"}}`)},
		{Version: "0", ID: "a\"b", DetailType: "T\u2028", Source: "s", Resources: []string{"r1", "r2"},
			Detail: json.RawMessage(" {\n\"x\": [1, 2]}"), ReplayName: "nightly"},
		{ID: "n", Detail: json.RawMessage(`null`)},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
		got, err := e.AppendJSON(nil)
		if err != nil || string(got)+"\n" != want.String() {
			t.Errorf("AppendJSON = %s, %v\nencoding/json %s", got, err, want.String())
		}
	}
	if _, err := (Event{ID: "x", Detail: json.RawMessage(`{`)}).AppendJSON(nil); err == nil {
		t.Error("AppendJSON of a detail that is not JSON succeeded")
	}
}
