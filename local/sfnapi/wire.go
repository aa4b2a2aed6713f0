package sfnapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

var timeType = reflect.TypeFor[time.Time]()

// marshal encodes an AWS SDK output shape as the awsJson1_0 protocol does:
// member names in lowerCamelCase, timestamps as epoch seconds, absent
// (nil) members left out. It is the inverse of the SDK's deserializers.
func marshal(v any) []byte {
	var b bytes.Buffer
	if !encode(&b, reflect.ValueOf(v)) {
		b.WriteString("{}")
	}
	return b.Bytes()
}

// encode writes v and reports whether it wrote anything (nil writes nothing).
func encode(b *bytes.Buffer, v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid:
		return false
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return false
		}
		return encode(b, v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			b.WriteString(epoch(v.Interface().(time.Time)))
			return true
		}
		encodeStruct(b, v)
	case reflect.Slice:
		if v.IsNil() {
			return false
		}
		encodeSlice(b, v)
	case reflect.Map:
		encodeMap(b, v)
	case reflect.String:
		writeString(b, v.String())
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	default:
		return false
	}
	return true
}

// epoch renders t as epoch seconds with millisecond precision.
func epoch(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

func encodeStruct(b *bytes.Buffer, v reflect.Value) {
	b.WriteByte('{')
	first := true
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "ResultMetadata" || skipEmptyEnum(v.Field(i)) {
			continue
		}
		mark := b.Len()
		if !first {
			b.WriteByte(',')
		}
		writeString(b, lowerFirst(f.Name))
		b.WriteByte(':')
		if !encode(b, v.Field(i)) {
			b.Truncate(mark)
			continue
		}
		first = false
	}
	b.WriteByte('}')
}

// skipEmptyEnum leaves out a named string type (an SDK enum) that is unset.
func skipEmptyEnum(v reflect.Value) bool {
	return v.Kind() == reflect.String && v.Type().PkgPath() != "" && v.Len() == 0
}

func encodeSlice(b *bytes.Buffer, v reflect.Value) {
	b.WriteByte('[')
	for i := range v.Len() {
		if i > 0 {
			b.WriteByte(',')
		}
		if !encode(b, v.Index(i)) {
			b.WriteString("null")
		}
	}
	b.WriteByte(']')
}

func encodeMap(b *bytes.Buffer, v reflect.Value) {
	b.WriteByte('{')
	for i, k := range v.MapKeys() {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, k.String())
		b.WriteByte(':')
		if !encode(b, v.MapIndex(k)) {
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}

// lowerFirst turns a Go field name into its wire name: ExecutionArn ->
// executionArn.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
