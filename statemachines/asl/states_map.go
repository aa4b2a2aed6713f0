package asl

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// mapState runs its item processor on each item of an array (inline mode).
type mapState struct {
	processor      *graph
	itemsPath      optPath
	itemSelector   *template
	maxConcurrency int64
	maxConcPath    *jsonpath.Path
}

// mapState loads an inline Map state, accepting the legacy Iterator and
// Parameters as well as ItemProcessor and ItemSelector.
func (l *loader) mapState(o obj) kind {
	m := &mapState{itemsPath: o.path("ItemsPath", false, true)}
	m.maxConcurrency, _ = o.integer("MaxConcurrency", 0)
	m.maxConcPath = o.path("MaxConcurrencyPath", false, true).p
	if o.has("MaxConcurrency") && o.has("MaxConcurrencyPath") {
		l.addf(o.loc, "a Map state must not have both MaxConcurrency and MaxConcurrencyPath")
	}
	m.itemSelector = l.templateField(o, "ItemSelector")
	if o.has("ItemSelector") && o.has("Parameters") {
		l.addf(o.loc, "a Map state must not have both ItemSelector and Parameters")
	}
	key := "ItemProcessor"
	switch {
	case o.has("ItemProcessor") && o.has("Iterator"):
		l.addf(o.loc, "a Map state must not have both ItemProcessor and Iterator")
	case o.has("Iterator"):
		key = "Iterator"
	case !o.has("ItemProcessor"):
		l.addf(o.loc, "a Map state needs ItemProcessor")
		return m
	}
	po, ok := l.asObj(o.at(key), o.m[key])
	if !ok {
		return m
	}
	po.allow("an item processor", "StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage")
	if pc, ok := po.m["ProcessorConfig"]; ok {
		pco, _ := l.asObj(po.at("ProcessorConfig"), pc)
		pco.allow("ProcessorConfig", "Mode", "ExecutionType")
		if mode := pco.str("Mode", false); mode != "" && mode != "INLINE" {
			l.addf(pco.at("Mode"), "only INLINE Map states are supported, not %q", mode)
		}
	}
	m.processor = l.graph(po)
	return m
}

func (m *mapState) execute(ctx context.Context, sc *stateCtx, in any) (any, string, error) {
	eff, err := sc.selectPath(sc.st.inputPath, in)
	if err != nil {
		return nil, "", err
	}
	items, err := m.items(sc, eff)
	if err != nil {
		return nil, "", err
	}
	limit, err := m.concurrency(sc, eff)
	if err != nil {
		return nil, "", err
	}
	attempt := func(ctx context.Context) (any, error) {
		return m.iterate(ctx, sc, eff, items, limit)
	}
	failed := func() { sc.fr.record(event{typ: types.HistoryEventTypeMapStateFailed}) }
	return sc.runWithRetry(ctx, in, attempt, failed)
}

// items selects the array to iterate over, decoded: each item becomes
// $$.Map.Item.Value, which Choice rules and intrinsic functions may read.
func (m *mapState) items(sc *stateCtx, eff any) ([]any, error) {
	v, err := sc.selectPath(m.itemsPath, eff)
	if err != nil {
		return nil, err
	}
	v = jsonvalue.Expand(v)
	arr, ok := v.([]any)
	if !ok {
		return nil, sc.runtimef("Item selection failed: the ItemsPath field must point to a JSON array, not %s", jsontype.Name(v))
	}
	return arr, nil
}

// concurrency resolves MaxConcurrency or MaxConcurrencyPath; 0 is no limit.
func (m *mapState) concurrency(sc *stateCtx, eff any) (int, error) {
	if m.maxConcPath == nil {
		return int(min(m.maxConcurrency, 1<<20)), nil
	}
	v, err := sc.get(m.maxConcPath, eff)
	if err != nil {
		return 0, sc.runtimef("Invalid path '%s' : %v", m.maxConcPath.String(), err)
	}
	n, _ := v.(json.Number)
	i, err := n.Int64()
	if err != nil || i < 0 {
		return 0, sc.runtimef("The MaxConcurrencyPath field refers to value \"%s\" which is not a valid integer: %s", plainText(v), m.maxConcPath.String())
	}
	return int(min(i, 1<<20)), nil
}

// iterate runs one attempt of the Map state over all items.
func (m *mapState) iterate(ctx context.Context, sc *stateCtx, eff any, items []any, limit int) (any, error) {
	sc.fr.record(event{typ: types.HistoryEventTypeMapStateStarted, index: len(items)})
	if limit == 0 {
		limit = len(items)
	}
	out, err := runConcurrently(ctx, sc.fr, len(items), limit, func(ctx context.Context, fr *frame, i int) (any, error) {
		return m.iteration(ctx, sc, fr, eff, items, i)
	})
	if err != nil {
		return nil, err
	}
	sc.fr.record(event{typ: types.HistoryEventTypeMapStateSucceeded})
	return out, nil
}

// iteration runs the item processor on item i.
func (m *mapState) iteration(ctx context.Context, sc *stateCtx, fr *frame, eff any, items []any, i int) (any, error) {
	input := items[i]
	if sel := m.selector(sc); sel != nil {
		isc := *sc
		isc.item = &mapItem{index: i, value: items[i]}
		v, err := sel.eval(eff, &isc)
		if err != nil {
			return nil, err
		}
		input = v
	}
	fr.record(event{typ: types.HistoryEventTypeMapIterationStarted, name: sc.st.name, index: i})
	out, err := fr.runGraph(ctx, m.processor, input)
	if err != nil {
		if !isAbort(ctx, err) {
			fr.record(event{typ: types.HistoryEventTypeMapIterationFailed, name: sc.st.name, index: i})
		}
		return nil, err
	}
	fr.record(event{typ: types.HistoryEventTypeMapIterationSucceeded, name: sc.st.name, index: i})
	return out, nil
}

// selector is ItemSelector, or the legacy Parameters.
func (m *mapState) selector(sc *stateCtx) *template {
	if m.itemSelector != nil {
		return m.itemSelector
	}
	return sc.st.parameters
}
