package picture

import "math"

// fdlibmPow is Math.pow by the fdlibm algorithm (log2 in extra
// precision, then 2^(y·log2 x)), with ECMAScript's special cases. JSONata
// scales numbers by powers of ten and 26 through Math.pow, so the last
// bit matters: Go's math.Pow differs from Node's in hundreds of integral
// powers, fdlibm in very few (see the package doc).
//
// Every product that feeds a sum is converted explicitly, so that the
// compiler cannot fuse it into a multiply-add (it would on arm64).
func fdlibmPow(x, y float64) float64 {
	switch {
	case math.IsNaN(y):
		return math.NaN()
	case math.IsInf(y, 0) && (x == 1 || x == -1):
		return math.NaN()
	case y == 2:
		return x * x
	case y == 0.5:
		if math.IsInf(x, 0) {
			return math.Inf(1)
		}
		return math.Sqrt(x + 0)
	}
	if r, ok := powSpecial(x, y); ok {
		return r
	}
	return powGeneral(x, y)
}

const (
	two53    = 9007199254740992.0
	powL1    = 5.99999999999994648725e-01
	powL2    = 4.28571428578550184252e-01
	powL3    = 3.33333329818377432918e-01
	powL4    = 2.72728123808534006489e-01
	powL5    = 2.30660745775561754067e-01
	powL6    = 2.06975017800338417784e-01
	powP1    = 1.66666666666666019037e-01
	powP2    = -2.77777777770155933842e-03
	powP3    = 6.61375632143793436117e-05
	powP4    = -1.65339022054652515390e-06
	powP5    = 4.13813679705723846039e-08
	lg2      = 6.93147180559945286227e-01
	lg2H     = 6.93147182464599609375e-01
	lg2L     = -1.90465429995776804525e-09
	ovt      = 8.0085662595372944372e-17
	cp       = 9.61796693925975554329e-01
	cpH      = 9.61796700954437255859e-01
	cpL      = -7.02846165095275826516e-09
	ivln2    = 1.44269504088896338700e+00
	ivln2H   = 1.44269502162933349609e+00
	ivln2L   = 1.92596299112661746887e-08
	oneThird = 0.3333333333333333333333
)

var (
	powBP = [2]float64{1.0, 1.5}
	powDH = [2]float64{0.0, 5.84962487220764160156e-01}
	powDL = [2]float64{0.0, 1.35003920212974897128e-08}
)

func words(x float64) (int32, uint32) {
	b := math.Float64bits(x)
	return int32(b >> 32), uint32(b)
}

func fromHiLo(hi int32, lo uint32) float64 {
	return math.Float64frombits(uint64(uint32(hi))<<32 | uint64(lo))
}

func clearLow(x float64) float64 {
	hi, _ := words(x)
	return fromHiLo(hi, 0)
}

// yIntegerKind is 0 when y is not an integer, 1 when odd, 2 when even.
func yIntegerKind(hy int32, ly uint32) int32 {
	iy := hy & 0x7fffffff
	switch {
	case iy >= 0x43400000:
		return 2
	case iy >= 0x3ff00000:
		k := (iy >> 20) - 0x3ff
		if k > 20 {
			j := ly >> uint(52-k)
			if j<<uint(52-k) == ly {
				return 2 - int32(j&1)
			}
		} else if ly == 0 {
			j := iy >> uint(20-k)
			if j<<uint(20-k) == iy {
				return 2 - (j & 1)
			}
		}
	}
	return 0
}

// powSpecial handles zero, infinite, NaN and ±1 operands and y = ±1.
func powSpecial(x, y float64) (float64, bool) {
	hx, lx := words(x)
	hy, ly := words(y)
	ix, iy := hx&0x7fffffff, hy&0x7fffffff
	if uint32(iy)|ly == 0 {
		return 1, true
	}
	if ix > 0x7ff00000 || (ix == 0x7ff00000 && lx != 0) || iy > 0x7ff00000 || (iy == 0x7ff00000 && ly != 0) {
		return x + y, true
	}
	yisint := int32(0)
	if hx < 0 {
		yisint = yIntegerKind(hy, ly)
	}
	if ly == 0 {
		switch {
		case iy == 0x7ff00000:
			switch {
			case uint32(ix-0x3ff00000)|lx == 0:
				return y - y, true
			case ix >= 0x3ff00000:
				if hy >= 0 {
					return y, true
				}
				return 0, true
			default:
				if hy < 0 {
					return -y, true
				}
				return 0, true
			}
		case iy == 0x3ff00000:
			if hy < 0 {
				return 1 / x, true
			}
			return x, true
		}
	}
	if lx == 0 && (ix == 0x7ff00000 || ix == 0 || ix == 0x3ff00000) {
		z := math.Abs(x)
		if hy < 0 {
			z = 1 / z
		}
		if hx < 0 {
			if (ix-0x3ff00000)|yisint == 0 {
				return math.NaN(), true
			} else if yisint == 1 {
				z = -z
			}
		}
		return z, true
	}
	if hx < 0 && yisint == 0 {
		return math.NaN(), true
	}
	return 0, false
}

// log2Split returns log2|x| as t1 + t2, with t1 holding the leading bits.
func log2Split(ax float64, ix int32) (float64, float64) {
	n := int32(0)
	if ix < 0x00100000 {
		ax *= two53
		n -= 53
		ix, _ = words(ax)
	}
	n += (ix >> 20) - 0x3ff
	j := ix & 0x000fffff
	ix = j | 0x3ff00000
	k := 0
	switch {
	case j <= 0x3988E:
	case j < 0xBB67A:
		k = 1
	default:
		n++
		ix -= 0x00100000
	}
	_, axLo := words(ax)
	ax = fromHiLo(ix, axLo)

	u := ax - powBP[k]
	v := 1 / (ax + powBP[k])
	ss := u * v
	sH := clearLow(ss)
	tH := fromHiLo(((ix>>1)|0x20000000)+0x00080000+int32(k<<18), 0)
	tL := ax - (tH - powBP[k])
	sL := v * ((u - float64(sH*tH)) - float64(sH*tL))

	s2 := ss * ss
	r := float64(s2*s2) * horner(s2, powL1, powL2, powL3, powL4, powL5, powL6)
	r += float64(sL * (sH + ss))
	s2 = sH * sH
	tH = clearLow(3.0 + s2 + r)
	tL = r - ((tH - 3.0) - s2)

	u = sH * tH
	v = float64(sL*tH) + float64(tL*ss)
	pH := clearLow(u + v)
	pL := v - (pH - u)
	zH := cpH * pH
	zL := float64(cpL*pH) + float64(pL*cp) + powDL[k]
	t := float64(n)
	t1 := clearLow(((zH + zL) + powDH[k]) + t)
	t2 := zL - (((t1 - t) - powDH[k]) - zH)
	return t1, t2
}

func powGeneral(x, y float64) float64 {
	hx, _ := words(x)
	hy, ly := words(y)
	ix, iy := hx&0x7fffffff, hy&0x7fffffff
	s := 1.0
	if hx < 0 && yIntegerKind(hy, ly) == 1 {
		s = -1
	}
	ax := math.Abs(x)
	var t1, t2 float64
	if iy > 0x41e00000 { // |y| > 2^31
		if iy > 0x43f00000 { // |y| > 2^64
			if ix <= 0x3fefffff {
				return pick(hy < 0, math.Inf(1), 0)
			}
			if ix >= 0x3ff00000 {
				return pick(hy > 0, math.Inf(1), 0)
			}
		}
		if ix < 0x3fefffff {
			return pick(hy < 0, s*math.Inf(1), s*0)
		}
		if ix > 0x3ff00000 {
			return pick(hy > 0, s*math.Inf(1), s*0)
		}
		t := ax - 1
		w := float64(t*t) * (0.5 - float64(t*(oneThird-float64(t*0.25))))
		u := ivln2H * t
		v := float64(t*ivln2L) - float64(w*ivln2)
		t1 = clearLow(u + v)
		t2 = v - (t1 - u)
	} else {
		t1, t2 = log2Split(ax, ix)
	}
	return s * exp2Split(y, t1, t2)
}

// horner evaluates c[0] + x·(c[1] + x·(c[2] + …)) with every product
// rounded before it is added.
func horner(x float64, c ...float64) float64 {
	p := c[len(c)-1]
	for i := len(c) - 2; i >= 0; i-- {
		p = c[i] + float64(x*p)
	}
	return p
}

func pick(c bool, a, b float64) float64 {
	if c {
		return a
	}
	return b
}

// exp2Split computes 2^(y·(t1+t2)) for a positive base.
func exp2Split(y, t1, t2 float64) float64 {
	y1 := clearLow(y)
	pL := float64((y-y1)*t1) + float64(y*t2)
	pH := y1 * t1
	z := pL + pH
	j, i := words(z)
	if j >= 0x40900000 {
		if j != 0x40900000 || i != 0 || pL+ovt > z-pH {
			return math.Inf(1)
		}
	} else if j&0x7fffffff >= 0x4090cc00 {
		if uint32(j) != 0xc090cc00 || i != 0 || pL <= z-pH {
			return 0
		}
	}
	i2 := j & 0x7fffffff
	k := (i2 >> 20) - 0x3ff
	n := int32(0)
	if i2 > 0x3fe00000 {
		n = j + (0x00100000 >> uint(k+1))
		k = ((n & 0x7fffffff) >> 20) - 0x3ff
		t := fromHiLo(n&^(0x000fffff>>uint(k)), 0)
		n = ((n & 0x000fffff) | 0x00100000) >> uint(20-k)
		if j < 0 {
			n = -n
		}
		pH -= t
	}
	t := clearLow(pL + pH)
	u := t * lg2H
	v := float64((pL-(t-pH))*lg2) + float64(t*lg2L)
	z = u + v
	w := v - (z - u)
	t = z * z
	t1 = z - float64(t*horner(t, powP1, powP2, powP3, powP4, powP5))
	r := float64(z*t1)/(t1-2) - (w + float64(z*w))
	z = 1 - (r - z)
	hz, lz := words(z)
	hz += n << 20
	if hz>>20 <= 0 {
		return math.Ldexp(z, int(n))
	}
	return fromHiLo(hz, lz)
}
