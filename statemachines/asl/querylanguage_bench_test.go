package asl

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// twinStates are the same Pass states written in each query language: one
// reshapes its input and keeps a variable, the other computes (a sum and a
// string, through intrinsic functions in JSONPath).
var twinStates = map[string]map[string]string{
	"reshape": {
		"JSONPath": `{"Type":"Pass","Parameters":{"id.$":"$.id","name.$":"$.name","tags.$":"$.tags","seen.$":"$seen"},"Assign":{"seen.$":"$.id"}`,
		"JSONata":  `{"Type":"Pass","QueryLanguage":"JSONata","Output":{"id":"{% $states.input.id %}","name":"{% $states.input.name %}","tags":"{% $states.input.tags %}","seen":"{% $seen %}"},"Assign":{"seen":"{% $states.input.id %}"}`,
	},
	"compute": {
		"JSONPath": `{"Type":"Pass","Parameters":{"id.$":"$.id","name.$":"$.name","tags.$":"$.tags","next.$":"States.MathAdd($.id, 1)","label.$":"States.Format('{}-{}', $.name, $.id)"}`,
		"JSONata":  `{"Type":"Pass","QueryLanguage":"JSONata","Output":{"id":"{% $states.input.id %}","name":"{% $states.input.name %}","tags":"{% $states.input.tags %}","next":"{% $states.input.id + 1 %}","label":"{% $states.input.name & '-' & $states.input.id %}"}`,
	},
}

// BenchmarkQueryLanguage runs a chain of ten twin states, after one that
// sets a variable, in each query language, and reports the cost of one
// state (the run's own cost shared among them). The JSONata state should
// cost at most twice its JSONPath twin.
func BenchmarkQueryLanguage(b *testing.B) {
	for _, twin := range []string{"reshape", "compute"} {
		for _, lang := range []string{"JSONPath", "JSONata"} {
			b.Run(twin+"/"+lang, func(b *testing.B) { benchTwin(b, twinStates[twin][lang]) })
		}
	}
}

// benchTwin runs ten copies of state in a row.
func benchTwin(b *testing.B, state string) {
	const n = 10
	var s strings.Builder
	s.WriteString(`{"StartAt":"Init","States":{"Init":{"Type":"Pass","Assign":{"seen":0},"Next":"S0"},`)
	for i := range n {
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == n-1 {
			next = `"End":true`
		}
		fmt.Fprintf(&s, `"S%d":%s,%s},`, i, state, next)
	}
	def, err := Parse([]byte(strings.TrimSuffix(s.String(), ",")+"}}"), nil)
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(def, WithStore(discardStore{}))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	input := []byte(`{"id":7,"name":"acc-1","tags":["a","b"]}`)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ex, err := m.StartSync(ctx, "bench", input)
		if err != nil || ex.Status != "SUCCEEDED" {
			b.Fatalf("%v %v %s", err, ex.Status, deref(ex.Cause))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/state")
}
