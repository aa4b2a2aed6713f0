package dynamostore

import (
	"testing"

	"github.com/stepfold/stepfold/events"
)

func TestAPICode(t *testing.T) {
	tests := []struct {
		code, message string
		want          events.Code
	}{
		{"ResourceNotFoundException", "Requested resource not found", events.CodeStoreUnavailable},
		{"ProvisionedThroughputExceededException", "", events.CodeThrottled},
		{"ThrottlingException", "", events.CodeThrottled},
		{"RequestLimitExceeded", "", events.CodeThrottled},
		{"ThrottlingError", "", events.CodeThrottled},
		{"ProvisionedThroughputExceeded", "", events.CodeThrottled},
		{"ConditionalCheckFailed", "", events.CodeVersionConflict},
		{"TransactionConflict", "", events.CodeVersionConflict},
		{"ValidationException", "Item size has exceeded the maximum allowed size", events.CodeEventTooLarge},
		{"ValidationException", "Transaction request cannot be larger than 4 MB", events.CodeEventTooLarge},
		{"ValidationException", "Transaction payload size cannot exceed 4MB. Payload Size: 4253793", events.CodeEventTooLarge},
		{"ValidationError", "Item size to update has exceeded the maximum allowed size", events.CodeEventTooLarge},
		{"ValidationException", "One or more parameter values were invalid", events.CodeInternal},
		{"InternalServerError", "", events.CodeInternal},
	}
	for _, tt := range tests {
		if got := apiCode(tt.code, tt.message); got != tt.want {
			t.Errorf("apiCode(%q, %q) = %s; want %s", tt.code, tt.message, got, tt.want)
		}
	}
}
