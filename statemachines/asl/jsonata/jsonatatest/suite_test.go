package jsonatatest

import (
	"errors"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	cases, err := Load("testdata/suite")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 5 {
		t.Fatalf("loaded %d cases, want 5", len(cases))
	}
	c := cases[0]
	if c.Name != "g/case000" || c.Group() != "g" || c.Expr != "a.b" || c.NoInput || !c.HasResult {
		t.Errorf("case000: %+v", c)
	}
	if !cases[1].NoInput || !cases[1].Undefined || cases[1].Name != "g/case001[0]" {
		t.Errorf("case001[0]: %+v", cases[1])
	}
	if cases[2].Code != "T2002" || cases[2].Token != "+" || cases[2].Bindings["v"] != 3.0 {
		t.Errorf("case001[1]: %+v", cases[2])
	}
	if last := cases[4]; last.Expr != `[1, {"k": "v"}]` || last.TimeLimit != time.Second || last.Depth != 50 {
		t.Errorf("case001[3]: %+v", last)
	}
}

func TestCheck(t *testing.T) {
	cases, err := Load("testdata/suite")
	if err != nil {
		t.Fatal(err)
	}
	fail := errors.New("failed")
	checks := []struct {
		c    int
		o    Outcome
		pass bool
	}{
		{0, Outcome{Value: 2}, true},
		{0, Outcome{Value: 2.0}, true},
		{0, Outcome{Value: 3.0}, false},
		{0, Outcome{Undefined: true}, false},
		{0, Outcome{Err: fail, Code: "T2001"}, false},
		{1, Outcome{Undefined: true}, true},
		{1, Outcome{Value: nil}, false},
		{2, Outcome{Err: fail, Code: "T2002", Token: "+"}, true},
		{2, Outcome{Err: fail, Code: "T2002", Token: "-"}, false},
		{2, Outcome{Err: fail, Code: "T2001", Token: "+"}, false},
		{2, Outcome{Value: 1.0}, false},
		{3, Outcome{Err: fail, Code: "D3137", Message: "m"}, true},
		{3, Outcome{Err: fail, Code: "D3137", Message: "other"}, false},
		{4, Outcome{Value: []any{1.0, map[string]any{"k": "v"}}}, true},
		{4, Outcome{Value: []any{map[string]any{"k": "v"}, 1.0}}, false},
	}
	for _, ch := range checks {
		err := cases[ch.c].Check(ch.o)
		if (err == nil) != ch.pass {
			t.Errorf("%s with %+v: Check = %v, want pass %v", cases[ch.c].Name, ch.o, err, ch.pass)
		}
	}
}
