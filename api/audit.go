package api

import (
	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// audit records in the audit log that the request's principal did action to
// a subject: a console user by id (or username when the console gave no
// id), a telephone system by its token's name. A card is only shown once
// its opening is on record.
func (s *Server) audit(c echo.Context, action, kind string, id int64) error {
	e := crm.AuditEntry{Action: action, SubjectKind: kind, SubjectID: id}
	p, _ := PrincipalOf(c)
	switch {
	case p.Kind == "user" && p.UserID != 0:
		e.UserID = p.UserID
	case p.Kind == "user":
		e.Actor = "user " + p.Name
	default:
		e.Actor = p.Kind + " " + p.Name
	}
	if err := s.cfg.Register.Audit(c.Request().Context(), e); err != nil {
		s.log.Error("writing the audit log", "action", action, "err", err)
		return err
	}
	return nil
}
