package asl

import (
	"context"

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

	// A JSONata Map: Items is an array or an expression (nil: the input),
	// and the numbers may be expressions.
	itemsValue              *template
	maxConc                 jvalue
	tolCount, tolPercentage jvalue
}

// mapState loads an inline Map state, accepting the legacy Iterator and
// Parameters as well as ItemProcessor and ItemSelector.
func (l *loader) mapState(o obj) kind {
	m := &mapState{}
	if o.jsonata {
		l.jsonataMap(o, m)
	} else {
		m.itemsPath = o.path("ItemsPath", false, true)
		m.maxConcurrency, _ = o.integer("MaxConcurrency", 0)
		m.maxConcPath = o.path("MaxConcurrencyPath", false, true).p
		if o.has("MaxConcurrency") && o.has("MaxConcurrencyPath") {
			l.addf(o.loc, "a Map state must not have both MaxConcurrency and MaxConcurrencyPath")
		}
		m.itemSelector = l.templateField(o, "ItemSelector")
		if o.has("ItemSelector") && o.has("Parameters") {
			l.addf(o.loc, "a Map state must not have both ItemSelector and Parameters")
		}
	}
	m.processor = l.itemProcessor(o)
	return m
}

// jsonataMap loads the fields of a JSONata Map.
func (l *loader) jsonataMap(o obj, m *mapState) {
	if v, ok := o.m["Items"]; ok {
		if s, isStr := v.(string); !isStr || !isExpression(s) {
			if _, isArr := v.([]any); !isArr {
				l.addf(o.at("Items"), "must be an array or a JSONata expression, not %s", jsontype.Name(v))
			}
		}
		m.itemsValue = l.jsonataTemplate(o.at("Items"), "Items", v)
	}
	m.itemSelector = l.jsonataField(o, "ItemSelector")
	m.maxConc = l.jsonataNumber(o, "MaxConcurrency", numberRule{integer: true})
	m.tolCount = l.jsonataNumber(o, "ToleratedFailureCount", numberRule{integer: true})
	m.tolPercentage = l.jsonataNumber(o, "ToleratedFailurePercentage", numberRule{max: 100})
}

// itemProcessor loads ItemProcessor, or the legacy Iterator.
func (l *loader) itemProcessor(o obj) *graph {
	key := "ItemProcessor"
	switch {
	case o.has("ItemProcessor") && o.has("Iterator"):
		l.addf(o.loc, "a Map state must not have both ItemProcessor and Iterator")
	case o.has("Iterator"):
		key = "Iterator"
	case !o.has("ItemProcessor"):
		l.addf(o.loc, "a Map state needs ItemProcessor")
		return nil
	}
	po, ok := l.asObj(o.at(key), o.m[key])
	if !ok {
		return nil
	}
	po.allow("an item processor", "StartAt", "States", "Comment", "ProcessorConfig")
	if pc, ok := po.m["ProcessorConfig"]; ok {
		pco, _ := l.asObj(po.at("ProcessorConfig"), pc)
		pco.allow("ProcessorConfig", "Mode", "ExecutionType")
		if mode := pco.str("Mode", false); mode != "" && mode != "INLINE" {
			l.addf(pco.at("Mode"), "only INLINE Map states are supported, not %q", mode)
		}
	}
	return l.graph(po)
}

func (m *mapState) execute(ctx context.Context, sc *stateCtx, in any) (any, string, error) {
	if sc.st.jsonata {
		return m.executeJSONata(ctx, sc, in)
	}
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
	return sc.runWithRetry(ctx, in, attempt, sc.mapFailed)
}

// mapFailed records MapStateFailed.
func (sc *stateCtx) mapFailed(error) { sc.fr.record(event{typ: types.HistoryEventTypeMapStateFailed}) }

// executeJSONata runs a JSONata Map. Its items and numbers are evaluated
// in each attempt, so that a failing expression fails the Map state as
// AWS records it (EvaluationFailed, then MapStateFailed) and its Retry and
// Catch apply.
func (m *mapState) executeJSONata(ctx context.Context, sc *stateCtx, in any) (any, string, error) {
	input := jsonvalue.Expand(materialize(in))
	d := statesData{input: input, plain: true}
	attempt := func(ctx context.Context) (any, error) {
		items, err := m.jsonataItems(sc, d)
		if err != nil {
			return nil, err
		}
		limit, err := sc.numberField(m.maxConc, "MaxConcurrency", numberRule{integer: true}, d)
		if err != nil {
			return nil, err
		}
		// Evaluated and checked as AWS does; AWS documents the tolerated
		// failures for Distributed Map, and an inline Map fails on its
		// first failed iteration either way.
		if _, err := sc.numberField(m.tolCount, "ToleratedFailureCount", numberRule{integer: true}, d); err != nil {
			return nil, err
		}
		if _, err := sc.numberField(m.tolPercentage, "ToleratedFailurePercentage", numberRule{max: 100}, d); err != nil {
			return nil, err
		}
		return m.iterate(ctx, sc, input, items, int(min(limit, 1<<20)))
	}
	return sc.runWithRetry(ctx, in, attempt, sc.mapFailed)
}

// jsonataItems evaluates Items, which must give an array; without Items
// the input must be one.
func (m *mapState) jsonataItems(sc *stateCtx, d statesData) ([]any, error) {
	if m.itemsValue == nil {
		arr, ok := d.input.([]any)
		if !ok {
			return nil, sc.queryErrorf("", "Map state input must be an array but was: %s", jsonText(d.input))
		}
		return arr, nil
	}
	v, err := m.itemsValue.eval(sc.statesObject(d, m.itemsValue.context), sc)
	if err != nil {
		return nil, err
	}
	arr, ok := v.([]any)
	if !ok {
		x, _ := m.itemsValue.root.(*texpr)
		return nil, sc.typeErrorf(jvalue{x: x}, "Items", "array", v)
	}
	return arr, nil
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
	i, err := integerValue(v)
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

// iteration runs the item processor on item i. ItemSelector runs on the
// iteration's frame, which reads the Map state's variables.
func (m *mapState) iteration(ctx context.Context, sc *stateCtx, fr *frame, eff any, items []any, i int) (any, error) {
	input := items[i]
	if sel := m.selector(sc); sel != nil {
		isc := *sc
		isc.fr = fr
		isc.item = &mapItem{index: i, value: items[i]}
		selIn := eff
		if sc.st.jsonata {
			selIn = isc.statesObject(statesData{input: eff, plain: true}, sel.context)
		}
		v, err := sel.eval(selIn, &isc)
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
