package jsonata

import "time"

// frame is one scope of variable bindings. The root frame of an
// evaluation falls back to the caller's bindings and then to the
// functions.
type frame struct {
	names  []string
	vals   []any
	parent *frame
	root   *rootScope
}

// rootScope is what the outermost frame reads when no frame binds a name.
type rootScope struct {
	bindings map[string]any
	input    any // bound as $$ (the name "$")
	cfg      *config
	now      time.Time
}

func newFrame(parent *frame) *frame { return &frame{parent: parent} }

func (f *frame) bind(name string, v any) {
	for i, n := range f.names {
		if n == name {
			f.vals[i] = v
			return
		}
	}
	f.names = append(f.names, name)
	f.vals = append(f.vals, v)
}

// lookup finds a variable; a name bound nowhere is Undefined.
func (f *frame) lookup(name string) any {
	for s := f; s != nil; s = s.parent {
		for i := len(s.names) - 1; i >= 0; i-- {
			if s.names[i] == name {
				return s.vals[i]
			}
		}
		if s.root != nil {
			return s.root.lookup(name)
		}
	}
	return Undefined
}

func (r *rootScope) lookup(name string) any {
	if name == "$" {
		return r.input
	}
	if v, ok := r.bindings[name]; ok {
		return norm(v)
	}
	if r.cfg != nil {
		if f, ok := r.cfg.functions[name]; ok {
			return f
		}
		if r.cfg.removed[name] {
			return Undefined
		}
	}
	switch name {
	case "now":
		return &builtin{name: "now", sig: mustSignature("<s?s?:s>"), arity: 2, fn: func(c *call, args []any) (any, error) {
			return fnNow(r.now, args)
		}}
	case "millis":
		return &builtin{name: "millis", sig: mustSignature("<:n>"), fn: func(c *call, args []any) (any, error) {
			return float64(r.now.UnixMilli()), nil
		}}
	}
	if b, ok := builtins()[name]; ok {
		return b
	}
	return Undefined
}
