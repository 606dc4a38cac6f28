import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import org.apache.lucene.analysis.th.ThaiTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The words of each line of standard input as Solr's solr.ThaiTokenizerFactory
 * cuts them (Lucene's ThaiTokenizer: the Java runtime's dictionary-based word
 * BreakIterator for Thai), one line of tab-separated words per input line.
 *
 *   scripts/solr.sh thai-words < lines.txt
 *
 * The Thai recall measure (tests/test_solr_thai.py, bench/search/thai_recall.py)
 * takes the words it searches from here. A runtime without Thai segmentation
 * (a JRE without the jdk.localedata module) leaves each run of Thai letters
 * whole; the recall test fails then.
 */
public class ThaiWords {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    String line;
    while ((line = in.readLine()) != null) {
      StringBuilder words = new StringBuilder();
      try (ThaiTokenizer tokenizer = new ThaiTokenizer()) {
        tokenizer.setReader(new StringReader(line));
        CharTermAttribute term = tokenizer.addAttribute(CharTermAttribute.class);
        tokenizer.reset();
        while (tokenizer.incrementToken()) {
          if (words.length() > 0) {
            words.append('\t');
          }
          words.append(term);
        }
        tokenizer.end();
      }
      out.println(words);
    }
    out.flush();
  }
}
