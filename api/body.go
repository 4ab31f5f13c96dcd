package api

import (
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// MaxBody is the largest webhook body accepted. Call events are a few hundred
// bytes; anything near this is not a call event.
const MaxBody = 64 << 10

// readBody reads the whole body, refusing more than MaxBody with 413.
func readBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, MaxBody+1))
	if err != nil {
		return nil, withStatus(http.StatusBadRequest, crm.Errorf(crm.CodeInvalid, "", "could not read the request body"))
	}
	if len(body) > MaxBody {
		return nil, withStatus(http.StatusRequestEntityTooLarge,
			crm.Errorf(crm.CodeInvalid, "", "the request body is larger than %d KiB", MaxBody>>10))
	}
	return body, nil
}

// requireContentType answers 415 unless the request says it carries want.
func requireContentType(c echo.Context, want string) error {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || mt != want {
		return withStatus(http.StatusUnsupportedMediaType,
			crm.Errorf(crm.CodeInvalid, "content-type", "send the body as %s", want))
	}
	return nil
}
