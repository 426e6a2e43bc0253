// Package bank holds rttest's planted ordering bug, written as async
// functions: a withdrawal that checks the balance, suspends, and then debits.
// Two withdrawals whose checks both run before either debit overdraw the
// account. In the order a plain current-thread runtime happens to run
// Scenario's two tasks the second check comes after the first debit, so
// plain runs pass; other orders, which a multi-thread runtime or a different
// mix of tasks can produce, fail. rttest's tests show that Explore finds such
// an order within a few seeds, that its seed replays it, and that the fixed
// withdrawal (WithdrawSafe) passes every seed.
package bank

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"errors"

	"github.com/corio-go/corio/rt"
)

// ErrInsufficient is returned by a withdrawal that the balance does not cover.
var ErrInsufficient = errors.New("bank: insufficient funds")

// Account is a balance and the log of the withdrawals it audited. It is
// touched only by tasks of one current-thread runtime, so it needs no lock:
// its only hazard is the ordering of those tasks.
type Account struct {
	Balance int
	Audit   []int
}

// Withdraw debits amount if the balance covers it, auditing the withdrawal
// first. The bug: the audit suspends the task between the check and the
// debit, so the check may be stale by the time the debit runs.
//
//async:func
func (a *Account) Withdraw(amount int) error {
	if a.Balance < amount {
		return ErrInsufficient
	}
	a.audit(amount) // suspends: another withdrawal may check the same balance now
	a.Balance -= amount
	return nil
}

// WithdrawSafe is Withdraw with the check and the debit in one poll: nothing
// suspends between them, so no other task can act on the balance in between.
//
//async:func
func (a *Account) WithdrawSafe(amount int) error {
	if a.Balance < amount {
		return ErrInsufficient
	}
	a.Balance -= amount
	a.audit(amount)
	return nil
}

// audit records a withdrawal; it stands for a write to an audit service, so
// it suspends once.
//
//async:func
func (a *Account) audit(amount int) {
	a.Audit = append(a.Audit, amount)
	rt.YieldNow()
}

// price looks up a subscription's price; it stands for a query, so it
// suspends once before answering.
//
//async:func
func price(plan string) int {
	rt.YieldNow()
	if plan == "pro" {
		return 50
	}
	return 10
}

// Renew charges the account for a subscription plan.
//
//async:func
func Renew(a *Account, plan string, safe bool) error {
	p := price(plan)
	if safe {
		return a.WithdrawSafe(p)
	}
	return a.Withdraw(p)
}

// Pay charges the account amount.
//
//async:func
func Pay(a *Account, amount int, safe bool) error {
	if safe {
		return a.WithdrawSafe(amount)
	}
	return a.Withdraw(amount)
}

// Scenario pays 80 from an account holding 100 while a renewal of the "pro"
// plan (50) runs in another task, and returns the final balance: 20 or 50
// when one charge is refused, as it must be; negative when both went through.
// safe picks WithdrawSafe.
//
//async:func
func Scenario(safe bool) (int, error) {
	a := &Account{Balance: 100}
	pay := rt.Spawn(PayAsync(a, 80, safe))
	renew := rt.Spawn(RenewAsync(a, "pro", safe))
	if _, err := pay.Join(); err != nil {
		return 0, err
	}
	if _, err := renew.Join(); err != nil {
		return 0, err
	}
	return a.Balance, nil
}
