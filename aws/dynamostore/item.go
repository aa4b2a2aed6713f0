package dynamostore

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stepfold/stepfold/events"
)

// Attribute names of the items.
const (
	// attrStream is the partition key of both tables: the stream id. It is
	// named "account" because the tables were first made for the bank
	// account, and DynamoDB cannot rename a key attribute of a table that
	// holds data.
	attrStream        = "account"
	attrVersion       = "version"
	attrType          = "type"
	attrSchemaVersion = "schemaVersion"
	attrOccurredAt    = "occurredAt"
	attrRecordedAt    = "recordedAt"
	attrCommandID     = "commandId"
	attrCorrelationID = "correlationId"
	attrData          = "data"
	attrSnapshot      = "snapshot"
	attrLastOccurred  = "lastOccurredAt"
	attrFirst         = "first"
	attrLast          = "last"
	attrFingerprint   = "fingerprint"
	attrState         = "state"
)

type item = map[string]types.AttributeValue

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func bin(b []byte) types.AttributeValue { return &types.AttributeValueMemberB{Value: b} }

func key(stream string, version int64) item {
	return item{attrStream: str(stream), attrVersion: num(version)}
}

// commandKey is the key of the dedupe item of commandID on stream.
func commandKey(stream, commandID string) item {
	return key("cmd#"+stream+"#"+commandID, 0)
}

// commandItem is the dedupe item of cmd on stream: the first and last
// versions it wrote and, when it has one, the fingerprint of its request.
func commandItem(stream string, cmd appliedCommand, first, last int64) item {
	it := commandKey(stream, cmd.id)
	it[attrFirst], it[attrLast] = num(first), num(last)
	if cmd.fp != "" {
		it[attrFingerprint] = str(string(cmd.fp))
	}
	return it
}

// eventItem encodes e, with snap as its snapshot when snap is not nil.
func eventItem(e events.Event, snap *events.Snapshot) item {
	it := key(e.Stream, e.Version)
	it[attrType] = str(e.Type)
	it[attrSchemaVersion] = num(int64(e.SchemaVersion))
	it[attrOccurredAt] = str(e.OccurredAt.Format(time.RFC3339Nano))
	it[attrRecordedAt] = str(e.RecordedAt.Format(time.RFC3339Nano))
	it[attrCommandID] = str(e.CommandID)
	if e.CorrelationID != "" {
		it[attrCorrelationID] = str(e.CorrelationID)
	}
	if len(e.Data) > 0 {
		it[attrData] = bin(e.Data)
	}
	if snap != nil {
		putState(it, attrSnapshot, *snap)
	}
	return it
}

// putState sets the state of s in it under name, as binary (the bytes
// the tasks computed, unchanged), and its LastOccurredAt when it has one.
// The version is the item's own.
func putState(it item, name string, s events.Snapshot) {
	it[name] = bin(s.State)
	if !s.LastOccurredAt.IsZero() {
		it[attrLastOccurred] = str(s.LastOccurredAt.Format(time.RFC3339Nano))
	}
}

// decodeEvent decodes an event item; malformed items give Internal. The
// store does not keep StreamKey, so it is left empty.
func decodeEvent(it item) (events.Event, error) {
	d := decoder{it: it}
	e := events.Event{
		Stream:        d.str(attrStream),
		Version:       d.num(attrVersion),
		Type:          d.str(attrType),
		SchemaVersion: int(d.num(attrSchemaVersion)),
		OccurredAt:    d.time(attrOccurredAt),
		RecordedAt:    d.time(attrRecordedAt),
		CommandID:     d.str(attrCommandID),
		CorrelationID: d.optStr(attrCorrelationID),
		Data:          d.optBytes(attrData),
	}
	e.ID = events.EventID(e.Stream, e.Version)
	return e, d.err
}

// decodeState reads the state held under name, at the item's version. ok
// is false when the item has none.
//
// An item written before states were opaque holds, as a string, the JSON
// of the bank account's state, which carried its running maximum as the
// member lastOccurredAt; that member stands in for the attribute.
func decodeState(it item, name string) (snap events.Snapshot, ok bool, err error) {
	d := decoder{it: it}
	switch v := it[name].(type) {
	case nil:
		return events.Snapshot{}, false, nil
	case *types.AttributeValueMemberB:
		snap.State, snap.LastOccurredAt = v.Value, d.optTime(attrLastOccurred)
	case *types.AttributeValueMemberS:
		snap.State = json.RawMessage(v.Value)
		snap.LastOccurredAt, err = legacyLastOccurred(snap.State)
	default:
		d.fail(name, "binary")
	}
	snap.Version = d.num(attrVersion)
	if d.err != nil {
		return events.Snapshot{}, false, d.err
	}
	if err != nil || !json.Valid(snap.State) {
		return events.Snapshot{}, false, events.Wrap(events.CodeInternal, err, "dynamostore: undecodable "+name+" attribute")
	}
	return snap, true, nil
}

// legacyLastOccurred reads lastOccurredAt from a state stored in the
// earlier layout.
func legacyLastOccurred(state json.RawMessage) (time.Time, error) {
	var v struct {
		LastOccurredAt time.Time `json:"lastOccurredAt"`
	}
	err := json.Unmarshal(state, &v)
	return v.LastOccurredAt, err
}

// decoder reads attributes and keeps the first error.
type decoder struct {
	it  item
	err error
}

func (d *decoder) fail(name, want string) {
	if d.err == nil {
		d.err = events.Errorf(events.CodeInternal, "dynamostore: item attribute %q is missing or not %s", name, want)
	}
}

func (d *decoder) str(name string) string {
	v, ok := d.it[name].(*types.AttributeValueMemberS)
	if !ok {
		d.fail(name, "a string")
		return ""
	}
	return v.Value
}

func (d *decoder) optStr(name string) string {
	if _, ok := d.it[name]; !ok {
		return ""
	}
	return d.str(name)
}

func (d *decoder) optBytes(name string) json.RawMessage {
	av, ok := d.it[name]
	if !ok {
		return nil
	}
	v, ok := av.(*types.AttributeValueMemberB)
	if !ok {
		d.fail(name, "binary")
		return nil
	}
	return v.Value
}

func (d *decoder) num(name string) int64 {
	v, ok := d.it[name].(*types.AttributeValueMemberN)
	if !ok {
		d.fail(name, "a number")
		return 0
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	if err != nil {
		d.fail(name, "an integer")
	}
	return n
}

func (d *decoder) time(name string) time.Time {
	s := d.str(name)
	if d.err != nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d.fail(name, "an RFC 3339 time")
	}
	return t
}

func (d *decoder) optTime(name string) time.Time {
	if _, ok := d.it[name]; !ok {
		return time.Time{}
	}
	return d.time(name)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
