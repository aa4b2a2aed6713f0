package dynamostore

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/stepfold/stepfold/events"
)

// Error codes of DynamoDB, as the SDK reports them in smithy.APIError and
// in transaction cancellation reasons.
const (
	awsResourceNotFound    = "ResourceNotFoundException"
	awsThroughputExceeded  = "ProvisionedThroughputExceededException"
	awsThrottling          = "ThrottlingException"
	awsRequestLimit        = "RequestLimitExceeded"
	awsValidation          = "ValidationException"
	awsTransactionConflict = "TransactionConflictException"
	awsConditionFailed     = "ConditionalCheckFailedException"

	reasonConditionFailed     = "ConditionalCheckFailed"
	reasonThrottling          = "ThrottlingError"
	reasonThroughputExceeded  = "ProvisionedThroughputExceeded"
	reasonTransactionConflict = "TransactionConflict"
	reasonValidation          = "ValidationError"
)

// storeErr turns an SDK error from op (such as "load s-1") into an
// *events.Error that wraps it.
func storeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *events.Error
	if errors.As(err, &de) {
		return err
	}
	msg := "dynamostore: " + op
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return events.Wrap(events.CodeStoreUnavailable, err, msg+": cancelled")
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return events.Wrap(events.CodeStoreUnavailable, err, msg+": DynamoDB unreachable")
	}
	return events.Wrap(apiCode(api.ErrorCode(), api.ErrorMessage()), err, msg)
}

// apiCode classifies a DynamoDB error code, or a cancellation reason code,
// with its message.
func apiCode(code, message string) events.Code {
	switch code {
	case awsResourceNotFound:
		return events.CodeStoreUnavailable
	case awsThroughputExceeded, awsThrottling, awsRequestLimit, reasonThrottling, reasonThroughputExceeded:
		return events.CodeThrottled
	case awsTransactionConflict, reasonTransactionConflict, reasonConditionFailed, awsConditionFailed:
		return events.CodeVersionConflict
	case awsValidation, reasonValidation:
		if tooLarge(message) {
			return events.CodeEventTooLarge
		}
	}
	return events.CodeInternal
}

// tooLarge reports whether a validation message is about the 400 KB item
// or 4 MB transaction limit.
func tooLarge(message string) bool {
	m := strings.ToLower(message)
	return strings.Contains(m, "larger than") || (strings.Contains(m, "size") && strings.Contains(m, "exceed"))
}
