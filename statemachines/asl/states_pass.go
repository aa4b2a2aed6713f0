package asl

import "context"

// passState passes its input to its output, or injects Result.
type passState struct {
	result    any
	hasResult bool
}

// passState loads a Pass state's Result.
func (l *loader) passState(o obj) kind {
	r, ok := o.m["Result"]
	return &passState{result: r, hasResult: ok}
}

func (p *passState) execute(_ context.Context, sc *stateCtx, in any) (any, string, error) {
	if sc.st.jsonata {
		out, err := sc.jsonataOutput(sc.st.assign, sc.st.output, in, statesData{input: in})
		return out, sc.st.next, err
	}
	eff, err := sc.effectiveInput(in)
	if err != nil {
		return nil, "", err
	}
	result := eff
	if p.hasResult {
		result = p.result
		sc.inspect("result", result)
		if sc.fr.run.insp != nil {
			delete(sc.fr.run.insp, "afterInputPath")
		}
	} else {
		sc.inspect("afterParameters", eff)
	}
	sc.inspect("afterResultSelector", result)
	if err := sc.assign(sc.st.assign, result); err != nil {
		return nil, "", err
	}
	out, err := sc.applyResultPath(sc.st.resultPath, in, result)
	if err != nil {
		return nil, "", err
	}
	sc.inspect("afterResultPath", out)
	out, err = sc.selectPath(sc.st.outputPath, out)
	return out, sc.st.next, err
}

// succeedState ends its scope successfully.
type succeedState struct{}

func (succeedState) execute(_ context.Context, sc *stateCtx, in any) (any, string, error) {
	if sc.st.jsonata {
		out, err := sc.jsonataOutput(nil, sc.st.output, in, statesData{input: in})
		return out, "", err
	}
	v, err := sc.selectPath(sc.st.inputPath, in)
	if err != nil {
		return nil, "", err
	}
	sc.inspect("afterInputPath", v)
	out, err := sc.selectPath(sc.st.outputPath, v)
	return out, "", err
}
