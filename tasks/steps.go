package tasks

// Step names one Lambda task of a domain: the four steps of the command
// pipeline and the read API. The Lambda binary, the local server and the
// deployment all read this one table.
type Step struct {
	// Name is the task's name, the value of STEPFOLD_TASK.
	Name string
	// Substitution is the definition's DefinitionSubstitutions key for the
	// task's function ARN; "" for a task the state machine does not call.
	Substitution string
	// Access is what the task touches, which its grants follow.
	Access Access
}

// Access is what a task reads and writes.
type Access struct {
	ReadEvents, WriteEvents bool // the event log
	ReadState, WriteState   bool // the read model
	Publish                 bool // the event bus
}

// The task names.
const (
	StepValidate = "validate"
	StepPersist  = "persist"
	StepPublish  = "publish"
	StepFold     = "fold"
	StepRead     = "read"
)

// Steps returns the table of tasks, in pipeline order, then the read API.
func Steps() []Step {
	return []Step{
		{Name: StepValidate, Substitution: "ValidateFunctionArn", Access: Access{ReadEvents: true}},
		{Name: StepPersist, Substitution: "PersistFunctionArn", Access: Access{ReadEvents: true, WriteEvents: true}},
		{Name: StepPublish, Substitution: "PublishFunctionArn", Access: Access{Publish: true}},
		{Name: StepFold, Substitution: "FoldFunctionArn", Access: Access{ReadEvents: true, ReadState: true, WriteState: true}},
		{Name: StepRead, Access: Access{ReadEvents: true, ReadState: true}},
	}
}

// DeadLetterSubstitution is the definition's substitution key for the URL
// of the dead-letter queue.
const DeadLetterSubstitution = "DeadLetterQueueUrl"
