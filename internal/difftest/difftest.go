// Package difftest runs one generator test program in the mode its
// environment asks for, so the same binary is the oracle (direct mode: the
// source run as plain Go) and the subject (the generated future run on the
// runtime). The differential tests in cmd/asyncgen run each program both ways
// and compare the output byte for byte.
package difftest

import (
	"fmt"
	"os"
)

// ModeEnv names the environment variable that selects the mode: "direct" or
// "async".
const ModeEnv = "CORIO_DIFFTEST_MODE"

// Main runs direct or async as CORIO_DIFFTEST_MODE says (both, one after the
// other with a header each, when it is unset — handy when run by hand).
func Main(direct, async func()) {
	switch os.Getenv(ModeEnv) {
	case "direct":
		direct()
	case "async":
		async()
	default:
		fmt.Println("== direct")
		direct()
		fmt.Println("== async")
		async()
	}
}
