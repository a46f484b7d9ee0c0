package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class SummandsTest {
    private static Summands of(double... values) {
        Summands s = new Summands();
        for (double v : values) {
            s.add(v);
        }
        return s;
    }

    @Test
    void theSumIsTheSameBitsWhateverTheOrder() {
        double expected = 0;
        for (double v : new double[] {-3, 1e-17, 0.1, 0.2, 1e17}) {
            expected += v; // ascending
        }
        assertThat(of(1e17, 0.1, -3, 1e-17, 0.2).sortedSum()).isEqualTo(expected);
        assertThat(of(0.2, 1e-17, 1e17, -3, 0.1).sortedSum()).isEqualTo(expected);
        assertThat(of().sortedSum()).isZero();
        assertThat(of(1, Double.NaN).sortedSum()).isNaN();
    }

    @Test
    void readingTwiceAndAddingInBetweenSortsAgain() {
        Summands s = of(3, 1, 2);
        assertThat(s.sorted()).containsExactly(1, 2, 3);
        assertThat(s.sortedSum()).isEqualTo(6);
        s.add(0.5);
        assertThat(s.sorted()).containsExactly(0.5, 1, 2, 3);
        s.add(4);
        assertThat(s.sorted()).containsExactly(0.5, 1, 2, 3, 4);
        assertThat(s.sortedSum()).isEqualTo(10.5);
        assertThat(of(0.0, -0.0).sorted()).containsExactly(-0.0, 0.0);
    }

    @Test
    void theSortedArrayIsACopy() {
        Summands s = of(2, 1);
        double[] a = s.sorted();
        a[0] = 99;
        assertThat(s.sorted()).containsExactly(1, 2);
    }

    @Test
    void valuesReadBackAreSortedWhenRead() throws Exception {
        Summands s = of(5, -1, 2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bytes));
        Summands back = Summands.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back.size()).isEqualTo(3);
        assertThat(back.sorted()).containsExactly(-1, 2, 5);
        assertThat(back.sortedSum()).isEqualTo(6);
        back.addAll(of(-7));
        assertThat(back.sorted()).containsExactly(-7, -1, 2, 5);
    }
}
