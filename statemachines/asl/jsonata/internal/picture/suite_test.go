package picture

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The JSONata 2.0.6 reference suite exercises this package through six
// groups. TestSuite runs every case whose expression this file can read
// without an evaluator: a call of one of the package's functions with
// literal arguments, a chain of such calls with ~>, or a block binding
// one call's result to a variable for the next. The rest (paths, $now(),
// other functions) run only through the evaluator; the test lists them.

var suiteGroups = []string{
	"function-formatNumber", "function-formatInteger", "function-parseInteger",
	"function-fromMillis", "function-tomillis", "function-formatBase",
}

// suiteDir locates the suite: JSONATA_SUITE_DIR, or shared/conformance/
// jsonata beside the repository. A missing suite fails the test.
func suiteDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("JSONATA_SUITE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "..", "..", "shared", "conformance", "jsonata")
	}
	if _, err := os.Stat(filepath.Join(dir, "groups")); err != nil {
		t.Fatalf("the JSONata reference suite is not at %s (set JSONATA_SUITE_DIR): %v", dir, err)
	}
	return dir
}

type suiteCase struct {
	name      string
	Expr      string          `json:"expr"`
	ExprFile  string          `json:"expr-file"`
	Result    json.RawMessage `json:"result"`
	Undefined bool            `json:"undefinedResult"`
	Code      string          `json:"code"`
	Error     *struct {
		Code string `json:"code"`
	} `json:"error"`
}

func loadGroup(t *testing.T, dir, group string) []*suiteCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "groups", group, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases for %s: %v", group, err)
	}
	sort.Strings(files)
	var out []*suiteCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var many []*suiteCase
		if err := json.Unmarshal(data, &many); err != nil {
			var one suiteCase
			if err := json.Unmarshal(data, &one); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			many = []*suiteCase{&one}
		}
		base := strings.TrimSuffix(filepath.Base(f), ".json")
		for i, c := range many {
			c.name = base
			if len(many) > 1 {
				c.name = fmt.Sprintf("%s[%d]", base, i)
			}
			if c.ExprFile != "" {
				text, err := os.ReadFile(filepath.Join(dir, "groups", group, c.ExprFile))
				if err != nil {
					t.Fatal(err)
				}
				c.Expr = string(text)
			}
			out = append(out, c)
		}
	}
	return out
}

func TestSuite(t *testing.T) {
	dir := suiteDir(t)
	for _, group := range suiteGroups {
		cases := loadGroup(t, dir, group)
		covered, passed := 0, 0
		var left []string
		for _, c := range cases {
			got, err := evalCall(c.Expr)
			if errors.Is(err, errUnsupported) {
				left = append(left, fmt.Sprintf("%s: %s", c.name, strings.TrimSpace(c.Expr)))
				continue
			}
			covered++
			if msg := c.check(got, err); msg != "" {
				t.Errorf("%s/%s: %s\n  expr: %s", group, c.name, msg, c.Expr)
				continue
			}
			passed++
		}
		t.Logf("%s: %d cases, %d covered, %d passed, %d failed, %d left to the evaluator", group, len(cases), covered, passed, covered-passed, len(left))
		for _, l := range left {
			t.Logf("  evaluator only: %s", l)
		}
	}
}

// check compares an outcome with the case's expectation.
func (c *suiteCase) check(got value, err error) string {
	wantCode := c.Code
	if c.Error != nil {
		wantCode = c.Error.Code
	}
	var pe *Error
	switch {
	case wantCode != "":
		if !errors.As(err, &pe) || pe.Code != wantCode {
			return fmt.Sprintf("want error %s, got %v (%v)", wantCode, got, err)
		}
		return ""
	case err != nil:
		return fmt.Sprintf("unexpected error %v", err)
	case c.Undefined:
		if got.kind != undefinedValue {
			return fmt.Sprintf("want undefined, got %v", got)
		}
		return ""
	}
	var want any
	if err := json.Unmarshal(c.Result, &want); err != nil {
		return "bad expectation: " + err.Error()
	}
	if !got.equals(want) {
		return fmt.Sprintf("want %s, got %v", c.Result, got)
	}
	return ""
}

// value is a JSONata value as far as these calls need: undefined, a
// number, a string or an object of strings.
type value struct {
	kind int
	num  float64
	str  string
	obj  map[string]string
}

const (
	undefinedValue = iota
	numberValue
	stringValue
	objectValue
)

func (v value) String() string {
	switch v.kind {
	case numberValue:
		return numberToString(v.num)
	case stringValue:
		return strconv.Quote(v.str)
	case objectValue:
		return fmt.Sprint(v.obj)
	}
	return "undefined"
}

func (v value) equals(want any) bool {
	switch w := want.(type) {
	case float64:
		return v.kind == numberValue && v.num == w
	case string:
		return v.kind == stringValue && v.str == w
	}
	return false
}

var errUnsupported = errors.New("not a literal call")

// evalCall evaluates the small expression forms described above.
func evalCall(expr string) (value, error) {
	p := &callParser{src: []rune(expr), vars: map[string]value{}, now: float64(time.Now().UnixMilli())}
	v, err := p.top()
	if err != nil {
		return value{}, err
	}
	p.space()
	if p.pos != len(p.src) {
		return value{}, errUnsupported
	}
	return v, nil
}

type callParser struct {
	src  []rune
	pos  int
	vars map[string]value
	now  float64
}

func (p *callParser) space() {
	for p.pos < len(p.src) && strings.ContainsRune(" \t\r\n", p.src[p.pos]) {
		p.pos++
	}
}

func (p *callParser) eat(s string) bool {
	p.space()
	r := []rune(s)
	if p.pos+len(r) <= len(p.src) && string(p.src[p.pos:p.pos+len(r)]) == s {
		p.pos += len(r)
		return true
	}
	return false
}

func (p *callParser) top() (value, error) {
	save := p.pos
	if p.eat("(") {
		if name, ok := p.variable(); ok && p.eat(":=") {
			v, err := p.chain()
			if err != nil {
				return value{}, err
			}
			p.vars[name] = v
			if !p.eat(";") {
				return value{}, errUnsupported
			}
			v, err = p.chain()
			if err != nil {
				return value{}, err
			}
			if !p.eat(")") {
				return value{}, errUnsupported
			}
			return v, nil
		}
		p.pos = save
	}
	return p.chain()
}

func (p *callParser) chain() (value, error) {
	v, err := p.call(nil)
	for err == nil && p.eat("~>") {
		v, err = p.call(&v)
	}
	return v, err
}

func (p *callParser) variable() (string, bool) {
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != '$' {
		return "", false
	}
	start := p.pos + 1
	end := start
	for end < len(p.src) && (p.src[end] == '_' || p.src[end] >= 'a' && p.src[end] <= 'z' || p.src[end] >= 'A' && p.src[end] <= 'Z' || p.src[end] >= '0' && p.src[end] <= '9') {
		end++
	}
	if end == start {
		return "", false
	}
	p.pos = end
	return string(p.src[start:end]), true
}

// call reads $fn(args); a piped value comes first.
func (p *callParser) call(piped *value) (value, error) {
	name, ok := p.variable()
	if !ok || !p.eat("(") {
		return value{}, errUnsupported
	}
	var args []value
	if piped != nil {
		args = append(args, *piped)
	}
	if !p.eat(")") {
		for {
			a, err := p.arg()
			if err != nil {
				return value{}, err
			}
			args = append(args, a)
			if p.eat(")") {
				break
			}
			if !p.eat(",") {
				return value{}, errUnsupported
			}
		}
	}
	return p.apply(name, args)
}

func (p *callParser) arg() (value, error) {
	p.space()
	save := p.pos
	if p.eat("(") {
		if p.eat(")") {
			return value{}, nil
		}
		p.pos = save
	}
	if p.pos < len(p.src) && p.src[p.pos] == '$' {
		if name, ok := p.variable(); ok {
			if p.eat("(") {
				p.pos = save
				return p.call(nil)
			}
			if v, ok := p.vars[name]; ok {
				return v, nil
			}
		}
		return value{}, errUnsupported
	}
	return p.product()
}

// product reads a literal, or a product of number literals (folded with
// the same IEEE multiplication JavaScript uses).
func (p *callParser) product() (value, error) {
	v, err := p.factor()
	for err == nil && v.kind == numberValue && p.eat("*") {
		var w value
		if w, err = p.factor(); err == nil && w.kind != numberValue {
			err = errUnsupported
		}
		v.num *= w.num
	}
	return v, err
}

func (p *callParser) factor() (value, error) {
	if p.eat("(") {
		v, err := p.literal()
		if err != nil || !p.eat(")") {
			return value{}, errUnsupported
		}
		return v, nil
	}
	return p.literal()
}

func (p *callParser) literal() (value, error) {
	p.space()
	if p.pos >= len(p.src) {
		return value{}, errUnsupported
	}
	switch c := p.src[p.pos]; {
	case c == '"' || c == '\'':
		s, err := p.stringLit()
		return value{kind: stringValue, str: s}, err
	case c == '{':
		return p.object()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return value{}, errUnsupported
}

func (p *callParser) number() (value, error) {
	neg := p.eat("-")
	p.space()
	start := p.pos
	for p.pos < len(p.src) && strings.ContainsRune("0123456789.eE+-", p.src[p.pos]) {
		if (p.src[p.pos] == '+' || p.src[p.pos] == '-') && !strings.ContainsRune("eE", p.src[p.pos-1]) {
			break
		}
		p.pos++
	}
	v, err := strconv.ParseFloat(string(p.src[start:p.pos]), 64)
	if err != nil {
		return value{}, errUnsupported
	}
	if neg {
		v = -v
	}
	return value{kind: numberValue, num: v}, nil
}

func (p *callParser) stringLit() (string, error) {
	quote := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == quote:
			return b.String(), nil
		case c != '\\':
			b.WriteRune(c)
			continue
		}
		if p.pos >= len(p.src) {
			break
		}
		e := p.src[p.pos]
		p.pos++
		switch e {
		case 'n':
			b.WriteRune('\n')
		case 't':
			b.WriteRune('\t')
		case 'r':
			b.WriteRune('\r')
		case 'b':
			b.WriteRune('\b')
		case 'f':
			b.WriteRune('\f')
		case 'u':
			if p.pos+4 > len(p.src) {
				return "", errUnsupported
			}
			n, err := strconv.ParseUint(string(p.src[p.pos:p.pos+4]), 16, 16)
			if err != nil {
				return "", errUnsupported
			}
			b.WriteRune(rune(n))
			p.pos += 4
		default:
			b.WriteRune(e)
		}
	}
	return "", errUnsupported
}

func (p *callParser) object() (value, error) {
	p.pos++
	obj := map[string]string{}
	if p.eat("}") {
		return value{kind: objectValue, obj: obj}, nil
	}
	for {
		k, err := p.literal()
		if err != nil || k.kind != stringValue || !p.eat(":") {
			return value{}, errUnsupported
		}
		v, err := p.literal()
		if err != nil || v.kind != stringValue {
			return value{}, errUnsupported
		}
		obj[k.str] = v.str
		if p.eat("}") {
			return value{kind: objectValue, obj: obj}, nil
		}
		if !p.eat(",") {
			return value{}, errUnsupported
		}
	}
}

// apply calls the package for one of the six functions. Every function
// gives undefined for an undefined first argument.
func (p *callParser) apply(name string, args []value) (value, error) {
	arg := func(i int) value {
		if i < len(args) {
			return args[i]
		}
		return value{}
	}
	str := func(i int) *string {
		if a := arg(i); a.kind == stringValue {
			return &a.str
		}
		return nil
	}
	first := arg(0)
	if first.kind == undefinedValue {
		return value{}, nil
	}
	switch name {
	case "formatNumber":
		f, err := decimalFormatOf(arg(2))
		if err != nil {
			return value{}, err
		}
		s, err := FormatNumber(first.num, arg(1).str, f)
		return value{kind: stringValue, str: s}, err
	case "formatInteger":
		s, err := FormatInteger(first.num, arg(1).str)
		return value{kind: stringValue, str: s}, err
	case "parseInteger":
		n, err := ParseInteger(first.str, arg(1).str)
		return value{kind: numberValue, num: n}, err
	case "fromMillis":
		s, err := FromMillis(first.num, str(1), str(2))
		return value{kind: stringValue, str: s}, err
	case "toMillis":
		n, ok, err := ToMillis(first.str, str(1), p.now)
		if !ok || err != nil {
			return value{}, err
		}
		return value{kind: numberValue, num: n}, nil
	case "formatBase":
		radix := 10.0
		if a := arg(1); a.kind == numberValue {
			radix = a.num
		}
		s, err := FormatBaseNumber(first.num, radix)
		return value{kind: stringValue, str: s}, err
	}
	return value{}, errUnsupported
}

// decimalFormatOf applies a $formatNumber options object.
func decimalFormatOf(opts value) (DecimalFormat, error) {
	f := DefaultDecimalFormat()
	fields := map[string]*string{
		"decimal-separator": &f.DecimalSeparator, "grouping-separator": &f.GroupingSeparator,
		"exponent-separator": &f.ExponentSeparator, "minus-sign": &f.MinusSign, "infinity": &f.Infinity,
		"NaN": &f.NaN, "percent": &f.Percent, "per-mille": &f.PerMille, "zero-digit": &f.ZeroDigit,
		"digit": &f.OptionalDigit, "pattern-separator": &f.PatternSeparator,
	}
	for k, v := range opts.obj {
		if dst, ok := fields[k]; ok {
			*dst = v
		}
	}
	return f, nil
}
