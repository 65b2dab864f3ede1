package dev.bedside.tornado;

import dev.bedside.tensor.DeviceTraffic;
import dev.bedside.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import uk.ac.manchester.tornado.api.DataRange;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * One TornadoVM task graph, compiled on its first run and run again for every later call: its device buffers
 * (sized by {@link DevicePlans}), the small {@code dims}/{@code scalars} arrays that carry each call's sizes, and one
 * worker grid per task whose size is set before each run.
 *
 * <p>What crosses: the buffers passed to {@link #everyRun} go to the device, whole, before every run; those passed to
 * {@link #once} (weights) go on the first run only and stay. Nothing comes back by itself: after a run,
 * {@link #copyOut} fetches just the elements a call produced. Graphs compiled together ({@link #compileTogether})
 * share one execution plan, so a buffer one of them keeps on the device ({@link #keepOnDevice}) is read in place by
 * the others ({@link #useFrom}): that is how a weight's decode, forward and backward graphs share its one device copy.
 *
 * <p>{@link #traffic()} counts the bytes that cross, for tests and benchmarks: buffers go to the device whole, with
 * TornadoVM's array header, and come back as far as {@link #copyOut} asks. With the system property
 * {@code bedside.tornado.profile=true} set when a graph is compiled, its bytes sent are the ones TornadoVM's own
 * profiler reports instead (which is how the tests check this arithmetic).
 */
final class DeviceGraph implements AutoCloseable {
    /** Work-group size of the element-wise kernels' grids. */
    static final int GROUP = 32;
    private static int graphsMade;
    private static final AtomicLong runs = new AtomicLong(), bytesToDevice = new AtomicLong(), bytesToHost = new AtomicLong();

    static DeviceTraffic traffic() { return new DeviceTraffic(runs.get(), bytesToDevice.get(), bytesToHost.get()); }

    /** An execution plan and the graphs it runs (one, or a weight's graphs sharing its device copy). */
    private static final class Plan {
        final TornadoExecutionPlan executable;
        final int graphs;
        final boolean profiled;
        boolean closed;

        Plan(TornadoExecutionPlan executable, int graphs, boolean profiled) {
            this.executable = executable;
            this.graphs = graphs;
            this.profiled = profiled;
        }
    }

    final TaskGraph graph;
    final KernelContext context = new KernelContext();
    final IntArray dims = new IntArray(12);
    final FloatArray scalars = new FloatArray(4);
    private final String name;
    private final Map<String, WorkerGrid> grids = new LinkedHashMap<>();
    private final List<Object> leftOnDevice = new ArrayList<>();
    private long everyRunBytes, onceBytes;
    private Plan plan;
    private int index;
    private TornadoExecutionResult lastRun;

    DeviceGraph(String kernel) {
        synchronized (DeviceGraph.class) { name = kernel + (graphsMade++); }
        graph = new TaskGraph(name);
        everyRun(dims, scalars);
    }

    private static boolean profiled() { return Boolean.getBoolean("bedside.tornado.profile"); }

    /** Buffers copied to the device, whole, before every run (activations). */
    DeviceGraph everyRun(TornadoNativeArray... buffers) {
        graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, (Object[]) buffers);
        for (TornadoNativeArray b : buffers) everyRunBytes += b.getNumBytesOfSegmentWithHeader();
        return this;
    }

    /** Buffers copied to the device once and kept there (frozen weights, tables). */
    DeviceGraph once(TornadoNativeArray... buffers) {
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, (Object[]) buffers);
        for (TornadoNativeArray b : buffers) onceBytes += b.getNumBytesOfSegmentWithHeader();
        return this;
    }

    /** Buffers this graph leaves on the device for the graphs compiled with it ({@link #useFrom}). */
    DeviceGraph keepOnDevice(TornadoNativeArray... buffers) {
        leftOnDevice.addAll(List.of(buffers));
        return this;
    }

    /** Buffers read in place from {@code source}'s device copy: never copied by this graph. */
    DeviceGraph useFrom(DeviceGraph source, TornadoNativeArray... buffers) {
        graph.consumeFromDevice(source.name, (Object[]) buffers);
        return this;
    }

    /** Results this graph's tasks write: left on the device until {@link #copyOut} fetches what a call needs. */
    DeviceGraph results(TornadoNativeArray... buffers) { return keepOnDevice(buffers); }

    /** Registers a task's grid: 1-D or 2-D, sized per run by {@link #size1D} / {@link #size2D}. */
    DeviceGraph grid(String task, int dimensions) {
        grids.put(task, dimensions == 1 ? new WorkerGrid1D(1) : new WorkerGrid2D(1, 1));
        return this;
    }

    /** n work-items (rounded up to whole groups of 32; kernels check their index). */
    void size1D(String task, int n) {
        WorkerGrid grid = grids.get(task);
        grid.setGlobalWork(roundUp(n, GROUP), 1, 1);
        grid.setLocalWork(GROUP, 1, 1);
    }

    /** {@code groups} work-groups of {@code groupSize} work-items each (a kernel that gives each row a group). */
    void sizeGroups(String task, int groups, int groupSize) {
        WorkerGrid grid = grids.get(task);
        grid.setGlobalWork((long) groups * groupSize, 1, 1);
        grid.setLocalWork(groupSize, 1, 1);
    }

    /** x · y work-items, each rounded up to whole groups of {@code localX} × {@code localY}. */
    void size2D(String task, int x, int y, int localX, int localY) {
        WorkerGrid grid = grids.get(task);
        grid.setGlobalWork(roundUp(x, localX), roundUp(y, localY), 1);
        grid.setLocalWork(localX, localY, 1);
    }

    void size2D(String task, int x, int y) { size2D(task, x, y, GROUP, 1); }

    void setDims(int... values) {
        for (int i = 0; i < values.length; i++) dims.set(i, values[i]);
    }

    void setScalars(float... values) {
        for (int i = 0; i < values.length; i++) scalars.set(i, values[i]);
    }

    /**
     * Builds one execution plan for these graphs (TornadoVM compiles each graph's tasks on its first run). Graphs
     * that share device buffers must be compiled together, and a graph that {@link #useFrom uses} another's buffers
     * runs only after that one has run once.
     */
    static void compileTogether(DeviceGraph... graphs) {
        ImmutableTaskGraph[] snapshots = new ImmutableTaskGraph[graphs.length];
        GridScheduler scheduler = new GridScheduler();
        for (int i = 0; i < graphs.length; i++) {
            DeviceGraph g = graphs[i];
            if (!g.leftOnDevice.isEmpty()) g.graph.transferToHost(DataTransferMode.UNDER_DEMAND, g.leftOnDevice.toArray());
            snapshots[i] = g.graph.snapshot();
            g.grids.forEach((task, grid) -> scheduler.addWorkerGrid(g.name + "." + task, grid));
        }
        TornadoExecutionPlan executable = new TornadoExecutionPlan(snapshots).withGridScheduler(scheduler);
        Plan plan = new Plan(profiled() ? executable.withProfiler(ProfilerMode.SILENT) : executable, graphs.length, profiled());
        for (int i = 0; i < graphs.length; i++) {
            graphs[i].plan = plan;
            graphs[i].index = i;
        }
    }

    /** Runs the graph, compiling it first if it is alone and not compiled yet. */
    void run() {
        if (plan == null) compileTogether(this);
        boolean first = lastRun == null;
        lastRun = plan.graphs == 1 ? plan.executable.execute() : plan.executable.withGraph(index).execute();
        runs.incrementAndGet();
        bytesToDevice.addAndGet(plan.profiled ? lastRun.getProfilerResult().getTotalBytesCopyIn()
                : everyRunBytes + (first ? onceBytes : 0));
    }

    @Override
    public void close() {
        if (plan == null || plan.closed) return;
        plan.closed = true;
        try {
            plan.executable.freeDeviceMemory();
            plan.executable.close();
        } catch (Exception e) {
            // freeing device memory at shutdown: nothing else to do with a failure here
        }
    }

    static int roundUp(int n, int multiple) { return Math.max(multiple, (n + multiple - 1) / multiple * multiple); }

    // ------------------------------------------------------------------ host ↔ buffer copies

    /** Copies a contiguous F32 heap tensor (honouring its offset) into the start of a buffer (sent on the next run). */
    static void copyIn(Tensor t, FloatArray buffer) {
        MemorySegment.copy(t.data(), (int) t.offset(), buffer.getSegment(), ValueLayout.JAVA_FLOAT, 0, t.numel());
    }

    static void copyIn(int[] values, IntArray buffer) {
        MemorySegment.copy(values, 0, buffer.getSegment(), ValueLayout.JAVA_INT, 0, values.length);
    }

    /** Fetches the first numel values of a result buffer from the last run and writes them over the tensor's. */
    void copyOut(FloatArray buffer, Tensor t) { copyOut(buffer, t, 0f); }

    /**
     * Fetches the first numel values of a result buffer from the last run and adds them to the tensor's: how a backward
     * kernel's gradient (written on the device) is accumulated, so the accumulator never has to cross to the device.
     */
    void addOut(FloatArray buffer, Tensor t) { copyOut(buffer, t, 1f); }

    /**
     * Fetches the first numel values of a result buffer from the last run into the tensor: {@code t = fetched + beta · t},
     * where beta = 0 ignores t's previous values (even NaN).
     */
    void copyOut(FloatArray buffer, Tensor t, float beta) {
        int n = t.numel(), offset = (int) t.offset();
        fetch(buffer, n);
        if (beta == 0f) {
            MemorySegment.copy(buffer.getSegment(), ValueLayout.JAVA_FLOAT, 0, t.data(), offset, n);
            return;
        }
        float[] target = t.data();
        MemorySegment values = buffer.getSegment();
        for (int i = 0; i < n; i++) target[offset + i] = values.getAtIndex(ValueLayout.JAVA_FLOAT, i) + beta * target[offset + i];
    }

    private void fetch(FloatArray buffer, int numel) {
        lastRun.transferToHost(new DataRange(buffer).withSize(numel));
        bytesToHost.addAndGet(4L * numel);
    }
}
