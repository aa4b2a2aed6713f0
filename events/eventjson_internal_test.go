package events

import (
	"errors"
	"reflect"
	"testing"
)

// TestReadObject walks objects as encoding/json would hand them to an
// UnmarshalJSON method, and refuses what is not one object.
func TestReadObject(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string // name=value, in order
		ok   bool
	}{
		{`{}`, nil, true},
		{`null`, nil, true},
		{` { "a" : 1 , "b":"x,}" ,"c":{"d":[1,{"e":"]"}]},"f":null} `, []string{`a=1`, `b="x,}"`, `c={"d":[1,{"e":"]"}]}`, `f=null`}, true},
		{`{"a\u0062":true,"q\"":[]}`, []string{`ab=true`, `q"=[]`}, true},
		{`{"s":"a\"b\\"}`, []string{`s="a\"b\\"`}, true},
		{`[1]`, nil, false},
		{`{"a":1`, nil, false},
		{`{"a":1}x`, nil, false},
		{`{"a":1 "b":2}`, nil, false},
		{`{"a"}`, nil, false},
		{`{1:2}`, nil, false},
		{`{"a":}`, nil, false},
		{`{"a":"open}`, nil, false},
		{``, nil, false},
	} {
		var got []string
		err := readObject([]byte(c.in), func(name, value []byte) error {
			got = append(got, string(name)+"="+string(value))
			return nil
		})
		if (err == nil) != c.ok || c.ok && !reflect.DeepEqual(got, c.want) {
			t.Errorf("ReadObject(%s) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ReadObject(%s) = %v, want InvalidArgument", c.in, err)
		}
	}
}
