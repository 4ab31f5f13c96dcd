package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// Privacy pages (admins only): the audit log, and per person a page that
// shows what is held about them, downloads it (subject access) and erases
// it (right to be forgotten) after a confirmation step.

// PrivacyStore is what the privacy pages need of the register.
type PrivacyStore interface {
	Audit(ctx context.Context, e crm.AuditEntry) error
	AuditLog(ctx context.Context, limit int, before int64) ([]crm.AuditEntry, error)
	EraseContact(ctx context.Context, contactID, byUserID int64) (crm.ErasureReport, error)
	SubjectAccessExport(ctx context.Context, contactID int64) (crm.SubjectAccess, error)
}

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 200

func (s *Server) registerPrivacy(g *echo.Group) {
	admins := requireRole()
	g.GET("/admin/audit", s.adminAudit, admins)
	g.GET("/admin/privacy", s.adminFindPerson, admins)
	g.GET("/admin/contacts/:id/privacy", s.adminPrivacy, admins)
	g.GET("/admin/contacts/:id/export", s.adminExportPerson, admins)
	g.POST("/admin/contacts/:id/erase", s.adminErasePerson, admins)
}

// audit records that the signed-in user did action to a subject, with an
// optional detail that must hold no personal data. It logs a failure and
// returns it: reads of personal data fail without their record; after a
// committed change the caller carries on.
func (s *Server) audit(c echo.Context, action, kind string, id int64, detail ...string) error {
	e := crm.AuditEntry{UserID: sessionOf(c).User.ID, Action: action, SubjectKind: kind, SubjectID: id,
		Detail: strings.Join(detail, " ")}
	if err := s.cfg.Store.Audit(c.Request().Context(), e); err != nil {
		s.log.Error("writing the audit log", "action", action, "err", err)
		return err
	}
	return nil
}

// auditData is the audit log page.
type auditData struct {
	Entries []crm.AuditEntry
	Older   int64 // the before= of the next page, 0 if none
	Erased  int64 // a contact just erased, for the message on top
}

func (s *Server) adminAudit(c echo.Context) error {
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	entries, err := s.cfg.Store.AuditLog(c.Request().Context(), auditPageSize, before)
	if err != nil {
		return err
	}
	d := auditData{Entries: entries}
	if len(entries) == auditPageSize {
		d.Older = entries[len(entries)-1].ID
	}
	d.Erased, _ = strconv.ParseInt(c.QueryParam("erased"), 10, 64)
	return s.render(c, http.StatusOK, "admin_audit", d)
}

// privacyData is the privacy page: a search for a person, or one person.
type privacyData struct {
	Q          string
	Error      string
	Candidates []crm.Candidate // when a number is shared
	ContactID  int64
	Access     *crm.SubjectAccess
	Confirm    bool // show the erase confirmation
}

// adminFindPerson finds the person behind a number, or "#id", and opens
// their privacy page.
func (s *Server) adminFindPerson(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	d := privacyData{Q: q}
	if q == "" {
		return s.render(c, http.StatusOK, "admin_privacy", d)
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil && strings.HasPrefix(q, "#") && id > 0 {
		return c.Redirect(http.StatusSeeOther, "/admin/contacts/"+formatID(id)+"/privacy")
	}
	r, err := s.cfg.Store.Recognise(c.Request().Context(), q)
	switch {
	case crm.ErrorCode(err) == crm.CodeInvalid:
		d.Error = s.t(c, "priv.find.not_a_number")
	case err != nil:
		return err
	case r.Match == crm.MatchContact && r.Contact != nil:
		return c.Redirect(http.StatusSeeOther, "/admin/contacts/"+formatID(r.Contact.ID)+"/privacy")
	case r.Match == crm.MatchAmbiguous:
		for _, cand := range r.Candidates {
			if cand.Contact != nil {
				d.Candidates = append(d.Candidates, cand)
			}
		}
	}
	if d.Error == "" && len(d.Candidates) == 0 {
		d.Error = s.t(c, "priv.find.nobody")
	}
	return s.render(c, http.StatusOK, "admin_privacy", d)
}

// adminPrivacy shows what is held about one person; ?confirm=1 asks to
// confirm their erasure.
func (s *Server) adminPrivacy(c echo.Context) error {
	id, err := pathID(c, "contact")
	if err != nil {
		return err
	}
	return s.privacyPage(c, http.StatusOK, id, c.QueryParam("confirm") != "", "")
}

func (s *Server) privacyPage(c echo.Context, status int, id int64, confirm bool, msg string) error {
	sa, err := s.cfg.Store.SubjectAccessExport(c.Request().Context(), id)
	if err != nil {
		return err
	}
	// Showing what is held is itself a look at personal data.
	if err := s.audit(c, crm.AuditContactViewed, "contact", id); err != nil {
		return err
	}
	return s.render(c, status, "admin_privacy", privacyData{ContactID: id, Access: &sa, Confirm: confirm, Error: msg})
}

// adminExportPerson downloads everything held about one person as JSON.
func (s *Server) adminExportPerson(c echo.Context) error {
	id, err := pathID(c, "contact")
	if err != nil {
		return err
	}
	sa, err := s.cfg.Store.SubjectAccessExport(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := s.audit(c, crm.AuditContactExported, "contact", id); err != nil {
		return err
	}
	s.log.Info("subject access export", "contact_id", id, "by", sessionOf(c).User.Username)
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="callcard-contact-`+formatID(id)+`.json"`)
	h.Set("Cache-Control", "no-store")
	return c.JSONPretty(http.StatusOK, sa, "  ")
}

// adminErasePerson erases one person once the confirmation was ticked.
func (s *Server) adminErasePerson(c echo.Context) error {
	id, err := pathID(c, "contact")
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		return s.privacyPage(c, http.StatusBadRequest, id, true, s.t(c, "priv.erase.tick"))
	}
	rep, err := s.cfg.Store.EraseContact(c.Request().Context(), id, sessionOf(c).User.ID)
	if err != nil {
		return err
	}
	s.log.Info("contact erased", "contact_id", id, "numbers", rep.Numbers, "history", rep.Interactions,
		"calls", rep.Calls, "by", sessionOf(c).User.Username)
	return c.Redirect(http.StatusSeeOther, "/admin/audit?erased="+formatID(id))
}
