package crm

import (
	"errors"
	"fmt"
)

// Code classifies an Error so that adapters (HTTP, CLI) can react without
// matching on message text. The HTTP layer maps each code to one status.
type Code string

// Error codes.
const (
	CodeInvalid      Code = "invalid"      // the input was wrong; Field says where
	CodeNotFound     Code = "not_found"    // the thing asked for does not exist
	CodeConflict     Code = "conflict"     // the write clashes with what is stored
	CodeUnauthorised Code = "unauthorised" // no or wrong credentials
	CodeForbidden    Code = "forbidden"    // credentials fine, role not allowed
	CodeInternal     Code = "internal"     // our fault; details are logged, not shown
)

// Error is the one error type of callcard's domain. Message is safe to show
// to the user; Err carries the underlying cause for logs and errors.Is.
type Error struct {
	Code    Code
	Field   string // the input field at fault, if any
	Message string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil && e.Code == CodeInternal {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap exposes the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted message.
func Errorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, CodeInternal for any error that is not
// an *Error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorField returns the field of err if it is an *Error.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the user-safe message of err; internal errors get a
// generic message so that SQL or file paths never leak to a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Message
	}
	return "internal error"
}

// internal wraps an unexpected failure with what was being done.
func internal(err error, doing string) error {
	return &Error{Code: CodeInternal, Message: doing, Err: err}
}
