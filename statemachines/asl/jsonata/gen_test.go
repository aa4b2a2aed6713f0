package jsonata

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// exprGen writes random JSONata expressions over a small vocabulary, for
// the differential test against the reference implementation and as fuzz
// seeds. It favours expressions that evaluate (paths that exist, functions
// with arguments of the right kinds) but also writes ones that fail.
type exprGen struct {
	r    *rand.Rand
	vars []string // variables bound where the expression is being written
}

func newExprGen(seed uint64) *exprGen {
	return &exprGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

var genNames = []string{"name", "age", "tags", "address", "city", "zip", "orders", "id", "price", "qty",
	"items", "sku", "n", "flag", "nothing", "empty", "nums", "a", "b", "missing", "`Product Name`"}

var genStrings = []string{`"a"`, `"Fred"`, `"hello world"`, `""`, `"x,y,z"`, `"  padded  "`, `"ÄÖü€"`, `"10"`, `"3.5"`, `"a-b_c"`, `'single'`}

var genNumbers = []string{"0", "1", "2", "3", "-1", "0.5", "10", "100", "2.5", "1e3", "-0.25", "7", "1.005"}

var genRegexes = []string{"/a/", "/[a-z]+/", "/o/i", "/(\\w)(\\w)/", "/\\d+/", "/^F/", "/e$/", "/\\s+/", "/l+/"}

func (g *exprGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *exprGen) chance(n int) bool { return g.r.IntN(n) == 0 }

// expr writes an expression no deeper than d.
func (g *exprGen) expr(d int) string {
	if d <= 0 {
		return g.leaf()
	}
	switch g.r.IntN(20) {
	case 0, 1, 2:
		return g.path(d)
	case 3:
		return g.leaf()
	case 4, 5:
		return g.binary(d)
	case 6:
		return g.expr(d-1) + " ? " + g.expr(d-1) + " : " + g.expr(d-1)
	case 7:
		return g.array(d)
	case 8:
		return g.object(d)
	case 9, 10, 11:
		return g.call(d)
	case 12:
		return g.hof(d)
	case 13:
		return g.block(d)
	case 14:
		return g.expr(d-1) + " ~> " + g.chainTarget(d)
	case 15:
		return g.pathOp(d)
	case 16:
		return "-" + g.numeric(d-1)
	case 17:
		return g.regexCall(d)
	case 18:
		return "(" + g.expr(d-1) + ")"
	}
	return g.transform(d)
}

func (g *exprGen) leaf() string {
	switch g.r.IntN(8) {
	case 0:
		return g.pick(genStrings)
	case 1, 2:
		return g.pick(genNumbers)
	case 3:
		return g.pick([]string{"true", "false", "null"})
	case 4:
		if len(g.vars) > 0 {
			return "$" + g.pick(g.vars)
		}
		return "$"
	case 5:
		return g.pick([]string{"$", "$$", "$$.name", "$.orders"})
	}
	return g.pick(genNames)
}

func (g *exprGen) numeric(d int) string {
	if d <= 0 || g.chance(2) {
		return g.pick([]string{"1", "2", "price", "qty", "age", "n", "nums[0]", "$count(orders)", "3.5", "id"})
	}
	return g.pick([]string{"price * qty", "$sum(orders.price)", "age / 4", "$max(nums)", "$length(name)", "n + 1"})
}

func (g *exprGen) path(d int) string {
	var b strings.Builder
	steps := 1 + g.r.IntN(3)
	for i := 0; i < steps; i++ {
		if i > 0 {
			b.WriteByte('.')
		}
		switch g.r.IntN(12) {
		case 0:
			b.WriteString("*")
		case 1:
			if i == 0 {
				b.WriteString("**")
			} else {
				b.WriteString(g.pick(genNames))
			}
		case 2:
			if i > 0 {
				b.WriteString("%")
			} else {
				b.WriteString(g.pick(genNames))
			}
		case 3:
			if i == 0 && len(g.vars) > 0 {
				b.WriteString("$" + g.pick(g.vars))
			} else {
				b.WriteString(g.pick(genNames))
			}
		case 4:
			if i > 0 && d > 1 {
				b.WriteString("(" + g.expr(d-1) + ")")
			} else {
				b.WriteString(g.pick(genNames))
			}
		default:
			b.WriteString(g.pick(genNames))
		}
		if g.chance(4) && d > 1 {
			b.WriteString(g.predicate(d - 1))
		}
	}
	if g.chance(10) {
		b.WriteString("[]")
	}
	return b.String()
}

func (g *exprGen) predicate(d int) string {
	switch g.r.IntN(5) {
	case 0:
		return "[" + g.pick([]string{"0", "1", "-1", "2", "[0,1]", "0.5"}) + "]"
	case 1:
		return "[" + g.pick(genNames) + g.pick([]string{" > ", " = ", " < ", " != "}) + g.leaf() + "]"
	case 2:
		return "[$" + g.pick([]string{"exists(", "boolean("}) + g.pick(genNames) + ")]"
	}
	return "[" + g.expr(d) + "]"
}

func (g *exprGen) binary(d int) string {
	op := g.pick([]string{"+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "&", "in"})
	return g.expr(d-1) + " " + op + " " + g.expr(d-1)
}

func (g *exprGen) array(d int) string {
	n := g.r.IntN(4)
	parts := make([]string, n)
	for i := range parts {
		if g.chance(6) {
			parts[i] = g.pick([]string{"1", "0", "-2"}) + ".." + g.pick([]string{"3", "5", "0"})
		} else {
			parts[i] = g.expr(d - 1)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (g *exprGen) object(d int) string {
	n := g.r.IntN(4)
	parts := make([]string, n)
	for i := range parts {
		key := g.pick([]string{`"k"`, `"a"`, `"b"`, `"1"`, `"0"`, `"z"`, `"name"`})
		if g.chance(4) {
			key = g.pick([]string{"name", "city", "sku", "$string(id)"})
		}
		parts[i] = key + ": " + g.expr(d-1)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var genFunctions = []struct {
	name string
	args []string // kinds: s n a o x b f
}{
	{"string", []string{"x"}}, {"string", []string{"x", "b"}}, {"length", []string{"s"}}, {"substring", []string{"s", "n"}},
	{"substring", []string{"s", "n", "n"}}, {"substringBefore", []string{"s", "s"}}, {"substringAfter", []string{"s", "s"}},
	{"uppercase", []string{"s"}}, {"lowercase", []string{"s"}}, {"trim", []string{"s"}}, {"pad", []string{"s", "n"}},
	{"pad", []string{"s", "n", "s"}}, {"contains", []string{"s", "s"}}, {"split", []string{"s", "s"}}, {"split", []string{"s", "s", "n"}},
	{"join", []string{"a"}}, {"join", []string{"a", "s"}}, {"number", []string{"x"}}, {"abs", []string{"n"}},
	{"floor", []string{"n"}}, {"ceil", []string{"n"}}, {"round", []string{"n"}}, {"round", []string{"n", "n"}},
	{"sqrt", []string{"n"}}, {"power", []string{"n", "n"}}, {"sum", []string{"a"}}, {"max", []string{"a"}},
	{"min", []string{"a"}}, {"average", []string{"a"}}, {"count", []string{"x"}}, {"boolean", []string{"x"}},
	{"not", []string{"x"}}, {"exists", []string{"x"}}, {"keys", []string{"x"}}, {"lookup", []string{"x", "s"}},
	{"append", []string{"x", "x"}}, {"spread", []string{"x"}}, {"merge", []string{"a"}}, {"reverse", []string{"a"}},
	{"distinct", []string{"x"}}, {"type", []string{"x"}}, {"sort", []string{"a"}}, {"zip", []string{"a", "a"}},
	{"base64encode", []string{"s"}}, {"base64decode", []string{"s"}}, {"encodeUrlComponent", []string{"s"}},
	{"encodeUrl", []string{"s"}}, {"decodeUrlComponent", []string{"s"}}, {"decodeUrl", []string{"s"}},
	{"formatBase", []string{"n", "n"}}, {"formatNumber", []string{"n", "p"}}, {"formatInteger", []string{"n", "q"}},
	{"fromMillis", []string{"n"}}, {"toMillis", []string{"t"}}, {"eval", []string{"e"}}, {"error", []string{"s"}},
	{"assert", []string{"b", "s"}}, {"single", []string{"a"}}, {"clone", []string{"o"}},
}

func (g *exprGen) arg(kind string, d int) string {
	if g.chance(8) {
		return g.expr(d)
	}
	switch kind {
	case "s":
		return g.pick(append([]string{"name", "city", "$string(age)", "tags[0]", "sku"}, genStrings...))
	case "n":
		return g.numeric(d)
	case "a":
		return g.pick([]string{"nums", "tags", "orders.price", "orders.items.sku", "[1,2,3]", `["b","a","c"]`, "orders", "[]", "[3,1,2]"})
	case "o":
		return g.pick([]string{"address", "orders[0]", "$", `{"a":1,"b":2}`, "empty"})
	case "b":
		return g.pick([]string{"true", "false", "flag", "age > 3"})
	case "p":
		return g.pick([]string{`"#,##0.00"`, `"0.0"`, `"#"`, `"000"`, `"#.##e0"`, `"0%"`})
	case "q":
		return g.pick([]string{`"w"`, `"I"`, `"#,##0"`, `"0;o"`, `"a"`})
	case "t":
		return g.pick([]string{`"2024-01-31T10:20:30.123Z"`, `"2024-02-29"`, `"2024"`, `"2024-01-31T10:20:30+01:00"`, `"nonsense"`})
	case "e":
		return g.pick([]string{`"1+2"`, `"name"`, `"$sum(nums)"`, `"bad +"`, `"$x"`})
	}
	return g.expr(d)
}

func (g *exprGen) call(d int) string {
	f := genFunctions[g.r.IntN(len(genFunctions))]
	args := make([]string, len(f.args))
	for i, k := range f.args {
		args[i] = g.arg(k, d-1)
	}
	return "$" + f.name + "(" + strings.Join(args, ", ") + ")"
}

func (g *exprGen) withVars(names []string, f func() string) string {
	saved := g.vars
	g.vars = append(append([]string(nil), g.vars...), names...)
	defer func() { g.vars = saved }()
	return f()
}

func (g *exprGen) hof(d int) string {
	arr := g.arg("a", d-1)
	switch g.r.IntN(8) {
	case 0:
		return "$map(" + arr + ", function($v, $i) {" + g.withVars([]string{"v", "i"}, func() string { return g.expr(d - 1) }) + "})"
	case 1:
		return "$filter(" + arr + ", function($v) {" + g.withVars([]string{"v"}, func() string { return g.expr(d - 1) }) + "})"
	case 2:
		return "$reduce(" + arr + ", function($p, $c) {" + g.withVars([]string{"p", "c"}, func() string { return g.expr(d - 1) }) + "}" + g.pick([]string{"", ", 0", `, ""`}) + ")"
	case 3:
		return "$sort(" + arr + ", function($l, $r) {" + g.withVars([]string{"l", "r"}, func() string { return g.pick([]string{"$l > $r", "$l < $r", "$string($l) > $string($r)"}) }) + "})"
	case 4:
		return "$each(" + g.arg("o", d-1) + ", function($v, $k) {" + g.withVars([]string{"v", "k"}, func() string { return g.expr(d - 1) }) + "})"
	case 5:
		return "$sift(" + g.arg("o", d-1) + ", function($v, $k) {" + g.withVars([]string{"v", "k"}, func() string { return g.expr(d - 1) }) + "})"
	case 6:
		return "$map(" + arr + ", " + g.pick([]string{"$string", "$uppercase", "$abs", "$boolean", "$type", "$count"}) + ")"
	}
	return "(" + "$f := function($x) {" + g.withVars([]string{"x"}, func() string { return g.expr(d - 1) }) + "}; $f(" + g.expr(d-1) + "))"
}

func (g *exprGen) block(d int) string {
	name := g.pick([]string{"x", "y", "z"})
	value := g.expr(d - 1)
	return "(" + "$" + name + " := " + value + "; " + g.withVars([]string{name}, func() string { return g.expr(d - 1) }) + ")"
}

func (g *exprGen) chainTarget(d int) string {
	switch g.r.IntN(4) {
	case 0:
		return "$string()"
	case 1:
		return g.pick([]string{"$uppercase", "$count", "$keys", "$sum", "$reverse"})
	case 2:
		return "$substring(1, 2)"
	}
	return "function($a) {" + g.withVars([]string{"a"}, func() string { return g.expr(d - 1) }) + "}"
}

func (g *exprGen) pathOp(d int) string {
	base := g.pick([]string{"orders", "orders.items", "nums", "tags", "$", "*", "orders.items.sku"})
	switch g.r.IntN(6) {
	case 0:
		return base + "^(" + g.pick([]string{"price", ">price", "$", ">$", "qty, >id", "sku", "n"}) + ")"
	case 1:
		return base + "{" + g.pick([]string{"$string(id)", "sku", "$string($)", `"all"`}) + ": " + g.pick([]string{"price", "$count($)", "$", "qty", "n"}) + "}"
	case 2:
		return base + "@$o." + g.withVars([]string{"o"}, func() string { return g.pick([]string{"$o", "id", "{\"x\": $o}"}) })
	case 3:
		return base + "#$i." + g.withVars([]string{"i"}, func() string { return g.pick([]string{"$i", "{\"i\": $i, \"v\": $}", "$i * 2"}) })
	case 4:
		return "orders.items.{" + `"sku": sku, "order": %.id` + "}"
	}
	return base + "[" + g.expr(d-1) + "]"
}

func (g *exprGen) regexCall(d int) string {
	re := g.pick(genRegexes)
	s := g.arg("s", d-1)
	switch g.r.IntN(5) {
	case 0:
		return "$match(" + s + ", " + re + ")"
	case 1:
		return "$replace(" + s + ", " + re + ", " + g.pick([]string{`"-"`, `"[$0]"`, `"$1$2"`, `""`, `"$$"`}) + ")"
	case 2:
		return "$split(" + s + ", " + re + ")"
	case 3:
		return "$contains(" + s + ", " + re + ")"
	}
	return s + " ~> $replace(" + re + ", function($m) { $uppercase($m.match) })"
}

func (g *exprGen) transform(d int) string {
	return g.pick([]string{"$", "address", "orders[0]"}) + " ~> |" + g.pick([]string{"$", "items", "orders", "address"}) +
		"|{" + fmt.Sprintf(`"added": %s`, g.expr(d-1)) + "}" + g.pick([]string{"", `, "price"`, `, ["city", "zip"]`}) + "|"
}
