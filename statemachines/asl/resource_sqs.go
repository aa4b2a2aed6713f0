package asl

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
)

// SQSSender sends one message to a queue; a local adapter or a test fake
// implements it. Return an *Error to name a failure precisely (e.g.
// "SQS.QueueDoesNotExistException"); other errors are reported as
// SQS.AmazonSQSException.
type SQSSender interface {
	SendMessage(ctx context.Context, queueURL, body string) (messageID string, err error)
}

// sqsSendMessage is arn:aws:states:::sqs:sendMessage.
type sqsSendMessage struct{ s SQSSender }

// RunTask sends MessageBody to QueueUrl. A body that is not a string is sent
// as its JSON text.
func (h *sqsSendMessage) RunTask(ctx context.Context, t *Task) (any, error) {
	params, _ := t.Input.(map[string]any)
	url, _ := params["QueueUrl"].(string)
	if url == "" {
		return nil, sqsError(t, "The request must contain the parameter QueueUrl.", "MissingParameter")
	}
	raw := params["MessageBody"]
	if raw == nil {
		return nil, sqsError(t, "The request must contain the parameter MessageBody.", "MissingParameter")
	}
	body, ok := raw.(string)
	if !ok {
		body = jsonText(raw)
	}
	id, err := h.s.SendMessage(ctx, url, body)
	if err != nil {
		var e *Error
		if errors.As(err, &e) || ctx.Err() != nil {
			return nil, err
		}
		return nil, newError("SQS.AmazonSQSException", err.Error())
	}
	sum := md5.Sum([]byte(body))
	return map[string]any{
		"MD5OfMessageBody":    hex.EncodeToString(sum[:]),
		"MessageId":           id,
		"SdkHttpMetadata":     map[string]any{"HttpStatusCode": jsonNumber(200)},
		"SdkResponseMetadata": map[string]any{"RequestId": t.RequestID},
	}, nil
}

// sqsError is SQS's error for a bad request, worded as the AWS SDK words it.
func sqsError(t *Task, msg, code string) *Error {
	return newError("SQS.AmazonSQSException", fmt.Sprintf("%s (Service: AmazonSQS; Status Code: 400; Error Code: %s; Request ID: %s; Proxy: null)", msg, code, t.RequestID))
}
