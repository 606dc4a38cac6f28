import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Starts Apache Solr from the jars of solr-test-framework (no Solr distribution
 * needed), on 127.0.0.1, until the process is stopped (SIGTERM stops Jetty cleanly).
 *
 *   SolrLauncher node HOME PORT
 *       one node, Solr home HOME (solr.xml + cores), http://127.0.0.1:PORT/solr
 *   SolrLauncher cloud BASEDIR PORT COLLECTION CONFDIR SHARDS [NODES]
 *       SolrCloud: ZooKeeper and NODES nodes in this JVM (first node on PORT, the
 *       others on free ports), COLLECTION with SHARDS shards from the config CONFDIR
 */
public class SolrLauncher {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: SolrLauncher node HOME PORT | cloud BASEDIR PORT COLLECTION CONFDIR SHARDS [NODES]");
      System.exit(2);
    }
    String mode = args[0];
    Path dir = Paths.get(args[1]).toAbsolutePath();
    int port = Integer.parseInt(args[2]);
    CountDownLatch stopped = new CountDownLatch(1);

    if (mode.equals("node")) {
      JettyConfig config = JettyConfig.builder().setPort(port).setContext("/solr")
          .stopAtShutdown(true).build();
      JettySolrRunner jetty = new JettySolrRunner(dir.toString(), config);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try { jetty.stop(); } catch (Exception e) { e.printStackTrace(); }
        stopped.countDown();
      }));
      jetty.start();
      System.out.println("SOLR READY " + jetty.getBaseUrl());
    } else if (mode.equals("cloud")) {
      String collection = args[3];
      Path conf = Paths.get(args[4]).toAbsolutePath();
      int shards = Integer.parseInt(args[5]);
      int nodes = args.length > 6 ? Integer.parseInt(args[6]) : shards;
      Files.createDirectories(dir);
      // the first node takes PORT; the builder's port applies to every node, so
      // start one node on PORT and add the rest on free ports
      JettyConfig first = JettyConfig.builder().setPort(port).setContext("/solr")
          .stopAtShutdown(true).build();
      MiniSolrCloudCluster cluster = new MiniSolrCloudCluster(1, dir, first);
      for (int i = 1; i < nodes; i++) {
        cluster.startJettySolrRunner("extra-node" + i, "/solr",
            JettyConfig.builder().setPort(0).setContext("/solr").stopAtShutdown(true).build());
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try { cluster.shutdown(); } catch (Exception e) { e.printStackTrace(); }
        stopped.countDown();
      }));
      cluster.uploadConfigSet(conf, collection);
      CollectionAdminRequest.createCollection(collection, collection, shards, 1)
          .process(cluster.getSolrClient());
      cluster.waitForActiveCollection(collection, shards, shards);
      System.out.println("SOLR READY " + cluster.getJettySolrRunners().get(0).getBaseUrl()
          + " collection " + collection + " shards " + shards + " nodes " + nodes);
    } else {
      System.err.println("unknown mode " + mode);
      System.exit(2);
    }
    stopped.await();
  }
}
