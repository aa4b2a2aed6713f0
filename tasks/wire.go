package tasks

import (
	"encoding/json"
	"strconv"

	"github.com/stepfold/stepfold/events"
)

// The results that carry events to the next step write their own JSON:
// encoding/json would walk every event's text again to compact what its
// MarshalJSON wrote. The JSON holds the same values encoding/json writes
// for these types; it does not escape <, > and & for HTML.

// MarshalJSON writes Validate's result as AppendJSON does.
func (d Decision) MarshalJSON() ([]byte, error) { return d.AppendJSON(nil) }

// AppendJSON appends Validate's result to b.
func (d Decision) AppendJSON(b []byte) ([]byte, error) {
	b = strconv.AppendInt(append(b, `{"expectedVersion":`...), d.ExpectedVersion, 10)
	b, err := events.AppendEvents(append(b, `,"events":`...), d.Events)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"snapshots":`...)
	if b, err = appendSnapshots(b, d.Snapshots); err != nil {
		return nil, err
	}
	b = events.AppendString(append(b, `,"fingerprint":`...), string(d.Fingerprint))
	return append(b, '}'), nil
}

// appendSnapshots writes snapshots as encoding/json does: null for none
// at all, [] for an empty list.
func appendSnapshots(b []byte, snaps []events.Snapshot) ([]byte, error) {
	if len(snaps) == 0 {
		if snaps == nil {
			return append(b, "null"...), nil
		}
		return append(b, "[]"...), nil
	}
	s, err := json.Marshal(snaps)
	return append(b, s...), err
}

// MarshalJSON writes Persist's result as AppendJSON does.
func (p Persisted) MarshalJSON() ([]byte, error) { return p.AppendJSON(nil) }

// AppendJSON appends Persist's result to b.
func (p Persisted) AppendJSON(b []byte) ([]byte, error) {
	b, err := events.AppendEvents(append(b, `{"events":`...), p.Events)
	if err != nil {
		return nil, err
	}
	b = strconv.AppendBool(append(b, `,"duplicate":`...), p.Duplicate)
	return append(b, '}'), nil
}
