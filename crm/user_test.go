package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

func TestUsersAndSessions(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	anna := must(s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Anna de Boer", Role: crm.RoleReceptionist}))
	u := must(s.CreateUser(ctx, crm.UserInput{Username: "anna", Name: "Anna de Boer", Password: "correct horse battery", Role: crm.RoleReceptionist}))
	if u.EmployeeID != anna.ID || u.Name != "Anna de Boer" {
		t.Fatalf("user = %+v, want linked to employee %d", u, anna.ID)
	}
	for name, in := range map[string]crm.UserInput{
		"username": {Username: "Anna", Password: "correct horse battery", Role: crm.RoleAdmin},
		"password": {Username: "bob", Password: "short", Role: crm.RoleAdmin},
		"role":     {Username: "carl", Password: "correct horse battery", Role: crm.RoleEngineer},
	} {
		if _, err := s.CreateUser(ctx, in); crm.ErrorField(err) != name {
			t.Errorf("%s: error %v, want one about %s", name, err, name)
		}
	}
	if _, err := s.Authenticate(ctx, "anna", "wrong password!"); crm.ErrorCode(err) != crm.CodeUnauthorised {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "nobody", "correct horse battery"); crm.ErrorCode(err) != crm.CodeUnauthorised {
		t.Fatalf("unknown user: %v", err)
	}
	got := must(s.Authenticate(ctx, "ANNA", "correct horse battery"))
	if got.ID != u.ID {
		t.Fatalf("authenticated %+v", got)
	}
	sess := must(s.CreateSession(ctx, u.ID, time.Hour))
	back := must(s.SessionByToken(ctx, sess.Token))
	if back.User.ID != u.ID || back.CSRF != sess.CSRF || back.User.Role != crm.RoleReceptionist {
		t.Fatalf("session = %+v", back)
	}
	expired := must(s.CreateSession(ctx, u.ID, -time.Minute))
	if _, err := s.SessionByToken(ctx, expired.Token); crm.ErrorCode(err) != crm.CodeUnauthorised {
		t.Fatalf("expired session accepted: %v", err)
	}
	must(0, s.SetUserDisabled(ctx, u.ID, true))
	if _, err := s.SessionByToken(ctx, sess.Token); crm.ErrorCode(err) != crm.CodeUnauthorised {
		t.Fatalf("disabled user's session accepted: %v", err)
	}
	if _, err := s.Authenticate(ctx, "anna", "correct horse battery"); crm.ErrorCode(err) != crm.CodeUnauthorised {
		t.Fatalf("disabled user signed in: %v", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	tok, secret := func() (crm.APIToken, string) {
		t, sec, err := s.CreateToken(ctx, "asterisk")
		if err != nil {
			panic(err)
		}
		return t, sec
	}()
	if got := must(s.AuthenticateToken(ctx, secret)); got.ID != tok.ID {
		t.Fatalf("authenticated %+v", got)
	}
	if _, _, err := s.CreateToken(ctx, "asterisk"); crm.ErrorCode(err) != crm.CodeConflict {
		t.Fatalf("duplicate name: %v", err)
	}
	must(0, s.RevokeToken(ctx, "asterisk"))
	if _, err := s.AuthenticateToken(ctx, secret); crm.ErrorCode(err) != crm.CodeUnauthorised {
		t.Fatalf("revoked token accepted: %v", err)
	}
	list := must(s.Tokens(ctx))
	if len(list) != 1 || list[0].RevokedAt.IsZero() {
		t.Fatalf("tokens = %+v", list)
	}
}
