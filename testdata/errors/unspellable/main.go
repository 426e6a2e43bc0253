package main

import (
	"encoding/binary"
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	bo := binary.LittleEndian // type binary.littleEndian: cannot be written here
	rt.YieldNow()
	fmt.Println(bo.Uint16([]byte{1, 0}))
}
