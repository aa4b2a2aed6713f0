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
	attrAccount       = "account"
	attrVersion       = "version"
	attrType          = "type"
	attrSchemaVersion = "schemaVersion"
	attrOccurredAt    = "occurredAt"
	attrRecordedAt    = "recordedAt"
	attrCommandID     = "commandId"
	attrCorrelationID = "correlationId"
	attrData          = "data"
	attrSnapshot      = "snapshot"
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

func key(account string, version int64) item {
	return item{attrAccount: str(account), attrVersion: num(version)}
}

// commandKey is the key of the dedupe item of commandID on account.
func commandKey(account, commandID string) item {
	return key("cmd#"+account+"#"+commandID, 0)
}

// commandItem is the dedupe item of cmd on account: the first and last
// versions it wrote and, when it has one, the fingerprint of its request.
func commandItem(account string, cmd appliedCommand, first, last int64) item {
	it := commandKey(account, cmd.id)
	it[attrFirst], it[attrLast] = num(first), num(last)
	if cmd.fp != "" {
		it[attrFingerprint] = str(string(cmd.fp))
	}
	return it
}

// eventItem encodes e, with snap as its snapshot when snap is not nil.
func eventItem(e events.Event, snap *events.State) (item, error) {
	it := key(e.Account, e.Version)
	it[attrType] = str(string(e.Type))
	it[attrSchemaVersion] = num(int64(e.SchemaVersion))
	it[attrOccurredAt] = str(e.OccurredAt.Format(time.RFC3339Nano))
	it[attrRecordedAt] = str(e.RecordedAt.Format(time.RFC3339Nano))
	it[attrCommandID] = str(e.CommandID)
	if e.CorrelationID != "" {
		it[attrCorrelationID] = str(e.CorrelationID)
	}
	if len(e.Data) > 0 {
		it[attrData] = &types.AttributeValueMemberB{Value: e.Data}
	}
	if snap != nil {
		b, err := json.Marshal(snap)
		if err != nil {
			return nil, events.Wrap(events.CodeInternal, err, "dynamostore: encode snapshot of "+e.ID)
		}
		it[attrSnapshot] = str(string(b))
	}
	return it, nil
}

// decodeEvent decodes an event item; malformed items give Internal.
func decodeEvent(it item) (events.Event, error) {
	d := decoder{it: it}
	e := events.Event{
		Account:       d.str(attrAccount),
		Version:       d.num(attrVersion),
		Type:          events.EventType(d.str(attrType)),
		SchemaVersion: int(d.num(attrSchemaVersion)),
		OccurredAt:    d.time(attrOccurredAt),
		RecordedAt:    d.time(attrRecordedAt),
		CommandID:     d.str(attrCommandID),
		CorrelationID: d.optStr(attrCorrelationID),
		Data:          d.optBytes(attrData),
	}
	e.ID = events.EventID(e.Account, e.Version)
	return e, d.err
}

// decodeSnapshot returns the snapshot attribute of it, or nil when it has none.
func decodeSnapshot(it item) (*events.State, error) {
	if _, ok := it[attrSnapshot]; !ok {
		return nil, nil
	}
	return decodeJSONState(it, attrSnapshot)
}

func decodeJSONState(it item, name string) (*events.State, error) {
	d := decoder{it: it}
	raw := d.str(name)
	if d.err != nil {
		return nil, d.err
	}
	var s events.State
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return nil, events.Wrap(events.CodeInternal, err, "dynamostore: undecodable "+name+" attribute")
	}
	return &s, nil
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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
