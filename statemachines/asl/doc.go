// Package asl runs Amazon States Language (ASL) state machines in-process.
//
// It is the local twin of AWS Step Functions: the same statemachines/*.asl.json
// definitions that run on AWS run here, with the same data flow (InputPath,
// Parameters, ResultSelector, ResultPath, OutputPath), the same error names
// (States.ALL, States.TaskFailed, States.Timeout, States.Runtime, ...), the same
// retry and catch rules, and a history recorded with AWS's event types.
//
// Both query languages run, for the whole machine or state by state, as
// QueryLanguage says: JSONPath (the default) and JSONata, whose states
// take Arguments and Output and "{% %}" expressions, with $states.input,
// $states.result, $states.errorOutput and $states.context, and the
// functions Step Functions adds to JSONata ($partition, $range, $hash,
// $random, $uuid, $parse; $eval is removed). The expressions run on the
// jsonata subpackage. Workflow variables work in both: Assign in a state
// or a catcher sets them, $name reads them from JSONata and from JSONPath
// fields, a Map iteration or Parallel branch reads the variables around it
// and cannot assign them, and each StateExited event reports what its
// state assigned. Inline Map is the only Map mode; callbacks
// (.waitForTaskToken), activities and heartbeats are not run.
//
// A typical use:
//
//	def, err := asl.Parse(definitionJSON, map[string]string{"QueueUrl": url})
//	reg := asl.NewRegistry()
//	reg.Functions(map[string]asl.Invoker{arn: lambda.NewHandler(handle)})
//	m, err := asl.New(def, asl.WithName("Orders"), asl.WithResources(reg))
//	res, err := m.StartSync(ctx, "", []byte(`{"id":1}`))
//
// A Lambda function's result is kept as the JSON text the function
// returned wherever the data flow only moves it, and decoded where a state
// inspects it; in outputs and history its members therefore keep the
// order the function wrote them in, as on AWS, while other objects are
// written with sorted keys.
//
// Wait states, retry delays and timeouts run on a [Clock], so tests can
// use a virtual clock and finish at once. Every failure of a run is reported
// as an [*Error] whose Name is the ASL error name; a definition that AWS would
// reject yields a [*LoadError] listing each problem with its JSON location.
package asl
