package dev.bedside.tornado;

import dev.bedside.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * One TornadoVM task graph, compiled on its first run and run again for every later call: its device buffers
 * (sized for the largest call so far, see {@link DevicePlans}), the small {@code dims}/{@code scalars} arrays that
 * carry each call's sizes, and one worker grid per task whose size is set before each run.
 *
 * <p>What crosses each run: the buffers passed to {@link #everyRun} go to the device before every run, those to
 * {@link #toHost} come back after it; buffers passed to {@link #once} (weights) go to the device on the first
 * run only and stay there.
 */
final class DeviceGraph implements AutoCloseable {
    /** Work-group size of the element-wise kernels' grids. */
    static final int GROUP = 32;
    private static int graphsMade;

    final TaskGraph graph;
    final KernelContext context = new KernelContext();
    final IntArray dims = new IntArray(8);
    final FloatArray scalars = new FloatArray(4);
    private final String name;
    private final Map<String, WorkerGrid> grids = new LinkedHashMap<>();
    private final List<Object> toHost = new ArrayList<>();
    private TornadoExecutionPlan plan;

    DeviceGraph(String kernel) {
        synchronized (DeviceGraph.class) { name = kernel + (graphsMade++); }
        graph = new TaskGraph(name);
        graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, dims, scalars);
    }

    /** Buffers copied to the device before every run (activations, accumulators). */
    DeviceGraph everyRun(Object... buffers) {
        graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, buffers);
        return this;
    }

    /** Buffers copied to the device once and kept there (frozen weights, tables). */
    DeviceGraph once(Object... buffers) {
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, buffers);
        return this;
    }

    /** Registers a task's grid: 1-D or 2-D, sized per run by {@link #size1D} / {@link #size2D}. */
    DeviceGraph grid(String task, int dimensions) {
        grids.put(task, dimensions == 1 ? new WorkerGrid1D(1) : new WorkerGrid2D(1, 1));
        return this;
    }

    /** Buffers copied back after every run. */
    DeviceGraph toHost(Object... buffers) {
        toHost.addAll(List.of(buffers));
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

    /** x · y work-items, x rounded up to whole groups of {@code localX} × {@code localY}. */
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

    /** Compiles on the first call (TornadoVM JIT-compiles each task for the device), then runs. */
    void run() {
        if (plan == null) {
            graph.transferToHost(DataTransferMode.EVERY_EXECUTION, toHost.toArray());
            ImmutableTaskGraph snapshot = graph.snapshot();
            GridScheduler scheduler = new GridScheduler();
            grids.forEach((task, grid) -> scheduler.addWorkerGrid(name + "." + task, grid));
            plan = new TornadoExecutionPlan(snapshot).withGridScheduler(scheduler);
        }
        plan.execute();
    }

    @Override
    public void close() {
        if (plan == null) return;
        try {
            plan.freeDeviceMemory();
            plan.close();
        } catch (Exception e) {
            // freeing device memory at shutdown: nothing else to do with a failure here
        }
        plan = null;
    }

    static int roundUp(int n, int multiple) { return Math.max(multiple, (n + multiple - 1) / multiple * multiple); }

    // ------------------------------------------------------------------ host ↔ buffer copies

    /** Copies a contiguous F32 heap tensor (honouring its offset) into the start of a device buffer. */
    static void copyIn(Tensor t, FloatArray buffer) {
        MemorySegment.copy(t.data(), (int) t.offset(), buffer.getSegment(), ValueLayout.JAVA_FLOAT, 0, t.numel());
    }

    static void copyIn(int[] values, IntArray buffer) {
        MemorySegment.copy(values, 0, buffer.getSegment(), ValueLayout.JAVA_INT, 0, values.length);
    }

    /** Copies the first numel values of a device buffer back into a tensor (written over). */
    static void copyOut(FloatArray buffer, Tensor t) {
        MemorySegment.copy(buffer.getSegment(), ValueLayout.JAVA_FLOAT, 0, t.data(), (int) t.offset(), t.numel());
    }
}
