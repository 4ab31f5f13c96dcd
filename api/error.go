package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// statusOf is the one place where domain error codes become HTTP statuses.
var statusOf = map[crm.Code]int{
	crm.CodeInvalid:      http.StatusBadRequest,
	crm.CodeNotFound:     http.StatusNotFound,
	crm.CodeConflict:     http.StatusConflict,
	crm.CodeUnauthorised: http.StatusUnauthorized,
	crm.CodeForbidden:    http.StatusForbidden,
	crm.CodeInternal:     http.StatusInternalServerError,
}

// StatusOf is the HTTP status for a domain error; the console uses it too,
// so the mapping lives in this one place.
func StatusOf(err error) int {
	if s, ok := statusOf[crm.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON every error response carries.
type ErrorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// httpError carries a status that differs from the code's usual one (413,
// 415, 422) through echo's error path.
type httpError struct {
	status int
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// withStatus answers err with status instead of the code's default.
func withStatus(status int, err error) error { return &httpError{status: status, err: err} }

// ErrorHandler writes every error as {"error", "field"} with the status of
// its code. Only internal errors are logged, with their cause; clients see a
// generic message for those so SQL and paths never leak.
func ErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := http.StatusInternalServerError, ErrorBody{Error: "internal error"}
		var he *httpError
		var ee *echo.HTTPError
		switch {
		case errors.As(err, &he):
			status = he.status
			body = ErrorBody{Error: crm.ErrorMessage(he.err), Field: crm.ErrorField(he.err)}
		case errors.As(err, &ee):
			status = ee.Code
			body.Error = http.StatusText(ee.Code)
			if m, ok := ee.Message.(string); ok && ee.Code < 500 {
				body.Error = m
			}
		default:
			status = StatusOf(err)
			body = ErrorBody{Error: crm.ErrorMessage(err), Field: crm.ErrorField(err)}
		}
		if status >= 500 {
			log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, body)
	}
}
