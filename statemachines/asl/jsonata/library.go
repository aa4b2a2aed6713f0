package jsonata

import "sync"

// lib is the table of built-in functions and the signatures evaluation
// uses, built once.
type lib struct {
	funcs map[string]*builtin
	sigs  map[string]*signature
}

var (
	libOnce sync.Once
	libData *lib
)

// library returns the built-in function table.
func library() *lib {
	libOnce.Do(func() { libData = newLibrary() })
	return libData
}

func builtins() map[string]*builtin { return library().funcs }

// fnImpl is the Go body of a built-in function.
type fnImpl = func(c *call, args []any) (any, error)

// definitions lists the built-in functions of JSONata 2.0.6 with their
// signatures and the arity the reference gives them.
func definitions() []struct {
	name, sig string
	arity     int
	fn        fnImpl
} {
	type d = struct {
		name, sig string
		arity     int
		fn        fnImpl
	}
	return []d{
		{"sum", "<a<n>:n>", 1, fnSum},
		{"count", "<a:n>", 1, fnCount},
		{"max", "<a<n>:n>", 1, fnMax},
		{"min", "<a<n>:n>", 1, fnMin},
		{"average", "<a<n>:n>", 1, fnAverage},
		{"string", "<x-b?:s>", 1, fnString},
		{"substring", "<s-nn?:s>", 3, fnSubstring},
		{"substringBefore", "<s-s:s>", 2, fnSubstringBefore},
		{"substringAfter", "<s-s:s>", 2, fnSubstringAfter},
		{"lowercase", "<s-:s>", 1, fnLowercase},
		{"uppercase", "<s-:s>", 1, fnUppercase},
		{"length", "<s-:n>", 1, fnLength},
		{"trim", "<s-:s>", 1, fnTrim},
		{"pad", "<s-ns?:s>", 3, fnPad},
		{"match", "<s-f<s:o>n?:a<o>>", 3, fnMatch},
		{"contains", "<s-(sf):b>", 2, fnContains},
		{"replace", "<s-(sf)(sf)n?:s>", 4, fnReplace},
		{"split", "<s-(sf)n?:a<s>>", 3, fnSplit},
		{"join", "<a<s>s?:s>", 2, fnJoin},
		{"formatNumber", "<n-so?:s>", 3, fnFormatNumber},
		{"formatBase", "<n-n?:s>", 2, fnFormatBase},
		{"formatInteger", "<n-s:s>", 2, fnFormatInteger},
		{"parseInteger", "<s-s:n>", 2, fnParseInteger},
		{"number", "<(nsb)-:n>", 1, fnNumber},
		{"floor", "<n-:n>", 1, fnFloor},
		{"ceil", "<n-:n>", 1, fnCeil},
		{"round", "<n-n?:n>", 2, fnRound},
		{"abs", "<n-:n>", 1, fnAbs},
		{"sqrt", "<n-:n>", 1, fnSqrt},
		{"power", "<n-n:n>", 2, fnPower},
		{"random", "<:n>", 0, fnRandom},
		{"boolean", "<x-:b>", 1, fnBoolean},
		{"not", "<x-:b>", 1, fnNot},
		{"map", "<af>", 2, fnMap},
		{"zip", "<a+>", 0, fnZip},
		{"filter", "<af>", 2, fnFilter},
		{"single", "<af?>", 2, fnSingle},
		{"reduce", "<afj?:j>", 3, fnReduce},
		{"sift", "<o-f?:o>", 2, fnSift},
		{"keys", "<x-:a<s>>", 1, fnKeys},
		{"lookup", "<x-s:x>", 2, fnLookup},
		{"append", "<xx:a>", 2, fnAppend},
		{"exists", "<x:b>", 1, fnExists},
		{"spread", "<x-:a<o>>", 1, fnSpread},
		{"merge", "<a<o>:o>", 1, fnMerge},
		{"reverse", "<a:a>", 1, fnReverse},
		{"each", "<o-f:a>", 2, fnEach},
		{"error", "<s?:x>", 1, fnError},
		{"assert", "<bs?:x>", 2, fnAssert},
		{"type", "<x:s>", 1, fnType},
		{"sort", "<af?:a>", 2, fnSort},
		{"shuffle", "<a:a>", 1, fnShuffle},
		{"distinct", "<x:x>", 1, fnDistinct},
		{"base64encode", "<s-:s>", 1, fnBase64Encode},
		{"base64decode", "<s-:s>", 1, fnBase64Decode},
		{"encodeUrlComponent", "<s-:s>", 1, urlFunction("encodeUrlComponent", encodeURIComponent)},
		{"encodeUrl", "<s-:s>", 1, urlFunction("encodeUrl", encodeURI)},
		{"decodeUrlComponent", "<s-:s>", 1, urlFunction("decodeUrlComponent", decodeURIComponent)},
		{"decodeUrl", "<s-:s>", 1, urlFunction("decodeUrl", decodeURI)},
		{"eval", "<sx?:x>", 2, fnEval},
		{"toMillis", "<s-s?:n>", 2, fnToMillis},
		{"fromMillis", "<n-s?s?:s>", 3, fnFromMillis},
		{"clone", "<(oa)-:o>", 1, fnClone},
	}
}

// extraSignatures are signatures evaluation builds functions with.
var extraSignatures = []string{"<s?s?:s>", "<:n>", "<(oa):o>"}

func newLibrary() *lib {
	l := &lib{funcs: map[string]*builtin{}, sigs: map[string]*signature{}}
	sig := func(s string) *signature {
		if p, ok := l.sigs[s]; ok {
			return p
		}
		p, err := parseSignature(s)
		if err != nil {
			panic("jsonata: bad built-in signature " + s)
		}
		l.sigs[s] = p
		return p
	}
	for _, d := range definitions() {
		l.funcs[d.name] = &builtin{name: d.name, sig: sig(d.sig), arity: d.arity, fn: d.fn}
	}
	for _, s := range extraSignatures {
		sig(s)
	}
	return l
}
